package main

// profileText is the record of item 7 of the benchmark issue: what the
// profiles showed and what changed, with figures measured before and after
// on the same machine in the same hour. It is history, not regenerated.
const profileText = `
(to be written)
`
