package config

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/BurntSushi/toml"
)

// WriteTOML writes every setting with its current value and a one-line
// comment, in a form Load reads back to the same Config.
func (c *Config) WriteTOML(w io.Writer) error {
	var b bytes.Buffer
	b.WriteString("# Vigil configuration. Flags and VIGIL_* variables override these values;\n# run vigild --help for the list.\n")
	section := ""
	for _, s := range settings {
		sec, name := s.split()
		if sec != section {
			fmt.Fprintf(&b, "\n[%s]\n", sec)
			section = sec
		}
		fmt.Fprintf(&b, "\n# %s\n", s.usage)
		// One small map per line: the encoder does TOML quoting and number forms.
		if err := toml.NewEncoder(&b).Encode(map[string]any{name: s.bind(c).toml()}); err != nil {
			return fmt.Errorf("config: write %s: %w", s.key, err)
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// Usage writes the --help text: every setting with its TOML key, flag,
// environment variable, default and meaning.
func Usage(w io.Writer) {
	var b strings.Builder
	b.WriteString(`Usage: vigild [--config FILE] [--section.key=VALUE ...]

Vigil reads its settings from, highest priority first: command-line flags,
VIGIL_* environment variables, the TOML file named by --config (or
VIGIL_CONFIG), and the built-in defaults shown here. In the file a setting
"section.key" is the key "key" in the table [section]. Flags accept "_" or
"-" in names. Durations use Go syntax (10s, 1m30s); amounts are decimal wei;
lists are comma-separated in flags and variables; booleans are true, false,
1 or 0 (as a flag, --matrix.enabled alone means true).

  --config FILE  $VIGIL_CONFIG
      TOML configuration file; none is read when unset
  -h, --help
      print this help and exit
`)
	section := "-"
	for _, s := range settings {
		if sec, _ := s.split(); sec != section {
			section = sec
			if sec == "" {
				b.WriteString("\nTop level\n")
			} else {
				fmt.Fprintf(&b, "\n[%s]\n", sec)
			}
		}
		def := s.show
		if def == "" {
			def = "= " + s.def
			if s.def == "" {
				def = `= ""`
			}
		}
		fmt.Fprintf(&b, "  %s %s\n      --%s  $%s\n      %s\n", s.key, def, s.flag(), s.env(), s.usage)
	}
	io.WriteString(w, b.String())
}
