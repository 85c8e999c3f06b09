package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// flagError rewrites the flag package's errors in the settings' own words,
// suggesting the nearest setting for an unknown flag.
func flagError(err error) error {
	msg := err.Error()
	name, ok := strings.CutPrefix(msg, "flag provided but not defined: -")
	if !ok {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errors.New(strings.Replace(msg, " -", " --", 1))
	}
	name = strings.TrimLeft(name, "-")
	out := fmt.Sprintf("unknown setting --%s", name)
	if near := nearestSetting(name); near != "" {
		out += fmt.Sprintf("; did you mean --%s?", near)
	}
	return errors.New(out + " (vigild --help lists every setting)")
}

// nearestSetting is the flag (dashed form) closest to name by edit
// distance, if it is close enough to be a likely typo.
func nearestSetting(name string) string {
	norm := strings.ReplaceAll(strings.ToLower(name), "_", "-")
	best, bestD := "", len(norm)/2+1
	for _, s := range settings {
		for _, cand := range []string{s.flag(), strings.ReplaceAll(s.key, "_", "-")} {
			if d := editDistance(norm, cand); d < bestD {
				best, bestD = s.flag(), d
			}
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Load builds the effective Config from args (without the program name),
// the environment seen through getenv and the TOML file named by --config
// (or VIGIL_CONFIG), then validates it. It reports every problem at once,
// joined with errors.Join, each a *FieldError naming the setting. For -h or
// --help it returns ErrHelp.
func Load(args []string, getenv func(string) string) (*Config, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	fromFlags, configFile, err := parseFlags(args)
	if err != nil {
		return nil, err
	}
	path := configFile
	if path == "" {
		path = getenv("VIGIL_CONFIG")
	}
	raw, errs, failed, err := gatherTexts(path, getenv, fromFlags)
	if err != nil {
		return nil, err
	}

	c := defaults(getenv("HOME"))
	for _, s := range settings {
		r, ok := raw[s.key]
		if !ok {
			continue
		}
		if err := s.bind(&c).Set(r.val); err != nil {
			failed[s.key] = true
			errs = append(errs, &FieldError{Key: s.key, Source: r.source, Err: err})
		}
	}
	c.fillDerived()
	for _, e := range c.check() {
		if !failed[e.Key] {
			e.Source = raw[e.Key].source
			errs = append(errs, e)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return &c, nil
}

// parseFlags returns the text of every setting given as a flag, by key,
// and the --config file. Flags only record text; Load parses every value,
// whatever its source.
func parseFlags(args []string) (map[string]string, string, error) {
	fromFlags := map[string]string{}
	fs := flag.NewFlagSet("vigild", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	configFile := fs.String("config", "", "")
	for _, s := range settings {
		var v flag.Value = flagText{s.key, fromFlags}
		if s.kind() == kBool {
			v = boolFlagText{flagText{s.key, fromFlags}}
		}
		fs.Var(v, s.flag(), "")
		if s.flag() != s.key {
			fs.Var(v, s.key, "")
		}
	}
	if err := fs.Parse(args); err != nil {
		return nil, "", flagError(err)
	}
	if fs.NArg() > 0 {
		return nil, "", fmt.Errorf("unexpected argument %q: settings are given as --section.key=value", fs.Arg(0))
	}
	return fromFlags, *configFile, nil
}

// givenText is a setting's value as given, and where it was given.
type givenText struct{ val, source string }

// gatherTexts returns the text of every setting given in the file at path
// (none when path is empty), the environment or a flag, the later
// overriding the earlier, with the file's problems and the keys they
// concern. The error is for a file that cannot be read or parsed.
func gatherTexts(path string, getenv func(string) string, fromFlags map[string]string) (map[string]givenText, []error, map[string]bool, error) {
	raw := map[string]givenText{}
	var errs []error
	failed := map[string]bool{}
	if path != "" {
		vals, ferrs, err := readFile(path)
		if err != nil {
			return nil, nil, nil, err
		}
		for k, v := range vals {
			raw[k] = givenText{v, path}
		}
		for _, e := range ferrs {
			failed[e.Key] = true
			errs = append(errs, e)
		}
	}
	for _, s := range settings {
		if v := getenv(s.env()); v != "" {
			raw[s.key] = givenText{v, s.env()}
		}
		if v, ok := fromFlags[s.key]; ok {
			raw[s.key] = givenText{v, "--" + s.flag()}
		}
	}
	return raw, errs, failed, nil
}

type flagText struct {
	key string
	to  map[string]string
}

func (f flagText) String() string        { return "" }
func (f flagText) Set(text string) error { f.to[f.key] = text; return nil }

type boolFlagText struct{ flagText }

func (boolFlagText) IsBoolFlag() bool { return true }

// readFile returns the text form of every setting in the TOML file at path,
// and one error per unknown key or value of the wrong TOML type. The error
// is for a file that cannot be read or parsed.
func readFile(path string) (map[string]string, []*FieldError, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("config file: %w", err)
	}
	var tree map[string]any
	md, err := toml.Decode(string(data), &tree)
	if err != nil {
		return nil, nil, fmt.Errorf("config file %s: %w", path, err)
	}
	vals := map[string]string{}
	var errs []*FieldError
	bad := map[string]bool{} // reported keys; their children are not reported again
	for _, k := range md.Keys() {
		key := k.String()
		if len(k) > 1 && bad[k[:len(k)-1].String()] {
			bad[key] = true
			continue
		}
		v := valueAt(tree, k)
		var err error
		if s, ok := lookup(key); ok {
			var text string
			if text, err = fileText(s.kind(), v); err == nil {
				vals[key] = text
			}
		} else if len(k) == 1 && isSection(key) {
			if _, ok := v.(map[string]any); !ok {
				err = fmt.Errorf("must be a table ([%s]), got %s", key, tomlType(v))
			}
		} else {
			err = errors.New("unknown key")
		}
		if err != nil {
			bad[key] = true
			errs = append(errs, &FieldError{Key: key, Source: path, Err: err})
		}
	}
	return vals, errs, nil
}

func valueAt(tree map[string]any, k toml.Key) any {
	var v any = tree
	for _, name := range k {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[name]
	}
	return v
}

// fileText converts a decoded TOML value into the text form Set parses,
// checking that its TOML type suits the setting.
func fileText(k kind, v any) (string, error) {
	switch v := v.(type) {
	case string:
		if k == kString || k == kAmount {
			return v, nil
		}
	case int64:
		if k == kInt || k == kFloat || k == kAmount {
			return strconv.FormatInt(v, 10), nil
		}
	case float64:
		if k == kFloat {
			return strconv.FormatFloat(v, 'g', -1, 64), nil
		}
	case bool:
		if k == kBool {
			return strconv.FormatBool(v), nil
		}
	case []any:
		if k == kList {
			items := make([]string, len(v))
			for i, item := range v {
				s, ok := item.(string)
				if !ok {
					return "", fmt.Errorf("expected %s, got an array holding %s", k, tomlType(item))
				}
				items[i] = s
			}
			return strings.Join(items, ","), nil
		}
	}
	return "", fmt.Errorf("expected %s, got %s", k, tomlType(v))
}

func tomlType(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case bool:
		return "a boolean"
	case []any, []map[string]any:
		return "an array"
	case map[string]any:
		return "a table"
	case time.Time:
		return "a date-time"
	}
	return fmt.Sprintf("%T", v)
}

// fillDerived fills the settings whose defaults depend on others.
func (c *Config) fillDerived() {
	if c.DataDir != "" && c.Store.Path == "" {
		c.Store.Path = filepath.Join(c.DataDir, "vigil.db")
	}
	if c.DataDir != "" && c.API.AdminTokenFile == "" {
		c.API.AdminTokenFile = filepath.Join(c.DataDir, "admin.token")
	}
	if server := matrixServer(c.Matrix.UserID); server != "" && c.Matrix.RoomAlias == "" {
		c.Matrix.RoomAlias = "#vigil-monitoring:" + server
	}
}

// matrixServer returns the server name of a user ID "@local:server", or "".
func matrixServer(userID string) string {
	local, server, ok := strings.Cut(userID, ":")
	if !ok || len(local) < 2 || local[0] != '@' || server == "" {
		return ""
	}
	return server
}
