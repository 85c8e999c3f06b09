package monitor

// Source says where a request came from.
type Source struct {
	Kind string // "rest" or "matrix"
	Ref  string // e.g. the Matrix event id
}
