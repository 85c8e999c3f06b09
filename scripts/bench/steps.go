package main

import "time"

// steps are the benchmarks make bench runs, in order. A full run took 2
// minutes on 2 cores with the databases cached, 11 from a fresh clone with
// empty Go caches (module downloads, lnd and btcd builds, four
// 1,000,000-row fills).
var steps = []step{
	{
		group: "intake", name: "balance-proof intake against the recovery bound",
		pkg:       "./monitor/proofs/",
		bench:     "^(BenchmarkRecover2|BenchmarkIntakeParallel)$",
		benchtime: "20000x", timeout: 10 * time.Minute,
		env:    []string{"VIGIL_BENCH_CLIENTS=" + intakeClients},
		expect: []string{"BenchmarkRecover2", "BenchmarkIntakeParallel/stored=1000000", "BenchmarkIntakeParallel/stored=1000000+receipt"},
	},
	{
		group: "intake", name: "appointment intake against the recovery bound",
		pkg:       "./monitor/tower/",
		bench:     "^(BenchmarkRecoverMessage1|BenchmarkAppointmentIntakeParallel)$",
		benchtime: "20000x", timeout: 10 * time.Minute,
		env: []string{"VIGIL_BENCH_CLIENTS=" + intakeClients},
		expect: []string{"BenchmarkRecoverMessage1", "BenchmarkAppointmentIntakeParallel/stored=1000000",
			"BenchmarkAppointmentIntakeParallel/stored=1000000+receipt"},
	},
	{
		group: "intake", name: "the store's share of intake",
		pkg: "./monitor/store/", bench: "^BenchmarkSaveRequestGroup$", benchtime: "20000x", timeout: 5 * time.Minute,
		expect: []string{"BenchmarkSaveRequestGroup"},
	},
	{
		group: "match", name: "block matching and the index",
		pkg:       "./monitor/tower/",
		bench:     "^(BenchmarkMatchBlock|BenchmarkMatchBlockLookupOnly|BenchmarkIndexBuild)$",
		benchtime: "2s", timeout: 5 * time.Minute,
		expect: []string{"BenchmarkMatchBlock/appointments=1000000", "BenchmarkMatchBlock/appointments=10000000",
			"BenchmarkMatchBlockLookupOnly", "BenchmarkIndexBuild/appointments=1000000", "BenchmarkIndexBuild/appointments=10000000"},
		quickExpect: []string{"BenchmarkMatchBlock/appointments=1000000", "BenchmarkIndexBuild/appointments=1000000"},
	},
	{
		group: "match", name: "index rebuild from the store",
		pkg: "./monitor/tower/", bench: "^BenchmarkIndexRebuild$", benchtime: "3x", timeout: 5 * time.Minute,
		expect: []string{"BenchmarkIndexRebuild"},
	},
	{
		group: "match", name: "block matching on a follower replica (PostgreSQL)",
		pkg: "./monitor/pgstore/", bench: "^BenchmarkFollowerBlock$", benchtime: "20x", timeout: 10 * time.Minute,
		expect: []string{"BenchmarkFollowerBlock"},
	},
	{
		group: "match", name: "block matching on an indexed SQLite IN (...) query",
		pkg: "./monitor/store/", bench: "^BenchmarkMatchBlockSQLiteIN$", benchtime: "20x", timeout: 10 * time.Minute,
		fullEnv:     []string{"VIGIL_BENCH_STORED=1000000"},
		expect:      []string{"BenchmarkMatchBlockSQLiteIN/appointments=1000000/lookups", "BenchmarkMatchBlockSQLiteIN/appointments=1000000/txid+lookups"},
		quickExpect: []string{"BenchmarkMatchBlockSQLiteIN/appointments=10000/lookups"},
	},
	{
		group: "match", name: "block matching on lnd's watchtower database",
		dir: "tools/peerbench", pkg: "./...", bench: "^BenchmarkMatchBlockLndTowerDB$", benchtime: "20x", timeout: 15 * time.Minute,
		env:         []string{"GOWORK=off"},
		fullEnv:     []string{"VIGIL_BENCH_STORED=1000000"},
		expect:      []string{"BenchmarkMatchBlockLndTowerDB/appointments=1000000/lookups", "BenchmarkMatchBlockLndTowerDB/appointments=1000000/txid+lookups"},
		quickExpect: []string{"BenchmarkMatchBlockLndTowerDB/appointments=10000/lookups"},
	},
	{
		group: "breach", name: "breach to broadcast on btcd regtest",
		pkg: "./cmd/vigild/daemon/", bench: "^BenchmarkBreachToBroadcast$", benchtime: "30x", timeout: 5 * time.Minute,
		expect: []string{"BenchmarkBreachToBroadcast"},
	},
	{
		group: "breach", name: "breach to broadcast with 1,000 junk appointments on the breached locator",
		pkg: "./cmd/vigild/daemon/", bench: "^BenchmarkBreachToBroadcastSquatted$", benchtime: "10x", timeout: 5 * time.Minute,
		expect: []string{"BenchmarkBreachToBroadcastSquatted"},
	},
	{
		group: "react", name: "reaction to a pushed Bitcoin block, detection included",
		pkg: "./cmd/vigild/daemon/", bench: "^BenchmarkBitcoinReaction$", benchtime: "30x", timeout: 5 * time.Minute,
		expect: []string{"BenchmarkBitcoinReaction"},
	},
	{
		group: "react", name: "reaction to a pushed Ethereum block, detection included",
		pkg: "./cmd/vigild/daemon/", bench: "^BenchmarkEthereumReaction$", benchtime: "30x", timeout: 5 * time.Minute,
		expect: []string{"BenchmarkEthereumReaction"},
	},
	{
		group: "massclose", name: "1,000 channels closed within 10 blocks",
		pkg: "./cmd/vigild/daemon/", bench: "^BenchmarkMassClose$", benchtime: "1x", timeout: 10 * time.Minute,
		expect: []string{"BenchmarkMassClose"},
	},
	{
		group: "replicas", name: "balance-proof intake on PostgreSQL, one and two replicas, against the recovery bound",
		pkg:       "./monitor/proofs/",
		bench:     "^(BenchmarkRecover2|BenchmarkIntakePostgres)$",
		benchtime: "10000x", timeout: 10 * time.Minute,
		env: []string{"VIGIL_BENCH_CLIENTS=" + intakeClients},
		expect: []string{"BenchmarkRecover2", "BenchmarkIntakePostgres/stored=100000/replicas=1",
			"BenchmarkIntakePostgres/stored=100000/replicas=2"},
		quickExpect: []string{"BenchmarkRecover2", "BenchmarkIntakePostgres/stored=10000/replicas=1",
			"BenchmarkIntakePostgres/stored=10000/replicas=2"},
	},
	{
		group: "replicas", name: "takeover when the Ethereum leader dies",
		pkg: "./cmd/vigild/daemon/", bench: "^BenchmarkTakeover$", benchtime: "20x", timeout: 5 * time.Minute,
		expect: []string{"BenchmarkTakeover"},
	},
	{
		group: "readapi", name: "read API under load",
		pkg: "./cmd/vigild/", bench: "^BenchmarkReadAPI$", benchtime: "1x", timeout: 5 * time.Minute,
		expect: []string{"BenchmarkReadAPI/stats", "BenchmarkReadAPI/balance_proofs_page"},
	},
}

// intakeClients is how many clients submit concurrently in the intake
// benchmarks.
const intakeClients = "64"
