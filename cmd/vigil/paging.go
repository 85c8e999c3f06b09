package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// cursor is how a list endpoint pages: the key of the next page's cursor
// in an answer, and the query parameter that sends it back.
type cursor struct{ key, param string }

var (
	// byAfter: an opaque "next" string, sent back as ?after=.
	byAfter = cursor{key: "next", param: "after"}
	// byID: a "next_after_id" record id, sent back as ?after_id=.
	byID = cursor{key: "next_after_id", param: "after_id"}
)

// listAll GETs every page of the list named field at path, from q on,
// following cur, and decodes each item into a T. It stops at the last page
// (no cursor, a zero one, or no items) and refuses a cursor the server
// repeats, which would loop.
func listAll[T any](c *apiClient, path string, q url.Values, field string, cur cursor) ([]T, error) {
	out := []T{}
	seen := map[string]bool{}
	for {
		_, raw, err := c.do(http.MethodGet, path, q, nil)
		if err != nil {
			return nil, err
		}
		items, next, err := decodePage[T](raw, field, cur)
		if err != nil {
			return nil, fmt.Errorf("unexpected answer from %s: %v", c.base, err)
		}
		out = append(out, items...)
		if next == "" || next == "0" || len(items) == 0 {
			return out, nil
		}
		if seen[next] {
			return nil, fmt.Errorf("the server repeated the cursor %q: stopping", next)
		}
		seen[next] = true
		q.Set(cur.param, next)
	}
}

// decodePage reads one page: its items and the next page's cursor as
// text ("" when none).
func decodePage[T any](raw []byte, field string, cur cursor) ([]T, string, error) {
	var page map[string]json.RawMessage
	if err := json.Unmarshal(raw, &page); err != nil {
		return nil, "", err
	}
	var items []T
	if page[field] != nil {
		if err := json.Unmarshal(page[field], &items); err != nil {
			return nil, "", err
		}
	}
	var next any
	if page[cur.key] != nil {
		if err := json.Unmarshal(page[cur.key], &next); err != nil {
			return nil, "", err
		}
	}
	switch n := next.(type) {
	case nil:
		return items, "", nil
	case string:
		return items, n, nil
	case float64:
		return items, string(page[cur.key]), nil
	}
	return nil, "", fmt.Errorf("%s is neither a string nor a number", cur.key)
}

// printAll prints every item of a paged list as one JSON object
// {field: [...]}.
func printAll(c *apiClient, path string, q url.Values, field string, cur cursor, stdout io.Writer) error {
	items, err := listAll[json.RawMessage](c, path, q, field, cur)
	if err != nil {
		return err
	}
	return printJSON(stdout, map[string][]json.RawMessage{field: items})
}
