// Package rest is Vigil's HTTP API: a chi router whose handlers translate
// requests into calls on the monitor package (balance proofs) and the
// watchtower (monitor/tower: appointments, justice records) and their
// results back into JSON. It is used by clients (PUT a balance proof),
// operators (list, delete, stats), Prometheus (/metrics) and browsers: the
// status page at / is embedded HTML, CSS and JavaScript that reads the
// public GET routes, served under a same-origin-only Content-Security-Policy
// (status.go), with charts from History, samples of the stats kept in
// memory (history.go).
//
// Endpoints (every error is {"error": "<reason>", "message": "<text>"}):
//
//	PUT    /api/1/balance_proofs                      submit a balance proof (201 new, 200 duplicate)
//	GET    /api/1/balance_proofs?channel=&participant=&limit=&after=
//	DELETE /api/1/balance_proofs/{channel_address}    admin (Authorization: Bearer <token>)
//	GET    /api/1/channel_update?outcome=&after_id=&limit=
//	GET    /api/1/channel_update/{channel_address}?outcome=&after_id=&limit=
//	PUT    /api/1/appointments                        submit a Lightning appointment (201 with the receipt)
//	GET    /api/1/appointments?locator=&limit=&after=&blobs=
//	GET    /api/1/appointments/{locator}?blobs=       every appointment of one locator (404 for none)
//	GET    /api/1/justice?outcome=&after_id=&limit=
//	GET    /api/1/stats                               the monitor.StatsSnapshot document
//	GET    /api/1/stats/history                       periodic samples of the stats kept in memory (History)
//	GET    /                                          the status page (read-only; its files under /status/)
//	GET    /metrics                                   Prometheus text exposition 0.0.4
//	GET    /healthz                                   200 {"status":"ok","parts":{...}} or 503 with the first failing part
//
// What it must not do: decide anything. Validation of balance proofs,
// profitability, storage and deletion belong to proofs.Intake; figures come
// from the stats registry's snapshot and are never recounted from the
// database. The
// package maps monitor's error codes to HTTP statuses in one table
// (statusFor) and never sends an error's internal detail to a client; that
// detail is logged.
//
// Quantities that may exceed 2^53 (wei, nonces, block numbers, gas) are JSON
// decimal strings, bytes are 0x-hex and addresses EIP-55, as in
// docs/protocol.md. Record ids and counts are JSON numbers.
//
// The Lightning watchtower routes (appointments, justice) exist only when
// Config.Tower is set; otherwise they answer 404 not_found "the Lightning
// watchtower is not enabled". They follow Bitcoin conventions: heights,
// satoshi amounts and fee rates are decimal strings, bytes plain lowercase
// hex without 0x, txids and block hashes in display (reversed) order.
package rest
