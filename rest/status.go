package rest

import (
	"embed"
	"net/http"
	"path"

	"github.com/go-chi/chi/v5"
	"github.com/vigil-monitor/vigil/monitor"
)

// The status page: a read-only page at / for anyone, built in the browser
// from the public GET routes (stats, stats history, channel updates,
// justice records). It shows nothing the public API does not already
// serve, and it loads nothing from outside the daemon: operators' hosts
// are often offline, and the Content-Security-Policy allows only this
// origin, with no inline script or style.

//go:embed statuspage
var statusFiles embed.FS

// statusAssets are the files served under /status/, with their types.
var statusAssets = map[string]string{
	"app.js":    "text/javascript; charset=utf-8",
	"style.css": "text/css; charset=utf-8",
	"icon.svg":  "image/svg+xml",
}

// statusCSP allows this origin only: scripts and styles from files (no
// inline code), fetches to the API, images from files and data: (none
// today), and no framing, forms or plugins.
const statusCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// statusPage serves the page itself.
func (s *Server) statusPage(w http.ResponseWriter, r *http.Request) {
	s.serveStatusFile(w, r, "index.html", "text/html; charset=utf-8")
}

// statusAsset serves one of the page's scripts, styles or images.
func (s *Server) statusAsset(w http.ResponseWriter, r *http.Request) {
	name := chi.URLParam(r, "file")
	ct, ok := statusAssets[name]
	if !ok {
		s.notFound(w, r)
		return
	}
	s.serveStatusFile(w, r, name, ct)
}

func (s *Server) serveStatusFile(w http.ResponseWriter, r *http.Request, name, contentType string) {
	b, err := statusFiles.ReadFile(path.Join("statuspage", name))
	if err != nil {
		// The files are embedded at build time: a missing one is a bug.
		s.writeError(w, r, monitor.Internal(err), true)
		return
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Security-Policy", statusCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	// Revalidated on every load, so a new daemon's page is never mixed with
	// an old cached script.
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(b)
	}
}
