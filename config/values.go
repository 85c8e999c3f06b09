package config

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// Values. Set parses the text form shared by flags, environment and file;
// the empty string means unset (zero, nil) for every type that has no
// other use for it.

type kind int

const (
	kString kind = iota // TOML string
	kInt                // TOML integer
	kFloat              // TOML float or integer
	kBool               // TOML boolean
	kAmount             // TOML string of decimal digits, or integer
	kList               // TOML array of strings
)

func (k kind) String() string {
	return [...]string{"a string", "an integer", "a number", "a boolean", "a decimal string", "an array of strings"}[k]
}

type value interface {
	Set(text string) error
	kind() kind
	toml() any // the current value for WriteTOML
}

type stringValue struct{ p *string }

func (v stringValue) Set(s string) error { *v.p = s; return nil }
func (v stringValue) kind() kind         { return kString }
func (v stringValue) toml() any          { return *v.p }

type uintValue[T int | int64 | uint64] struct{ p *T }

func (v uintValue[T]) Set(s string) error {
	n, err := strconv.ParseUint(s, 10, 64)
	switch {
	case strings.HasPrefix(s, "-"):
		return fmt.Errorf("must not be negative: %q", s)
	case errors.Is(err, strconv.ErrRange) || err == nil && (T(n) < 0 || uint64(T(n)) != n):
		return fmt.Errorf("too large: %q", s)
	case err != nil:
		return fmt.Errorf("not a whole number: %q", s)
	}
	*v.p = T(n)
	return nil
}
func (v uintValue[T]) kind() kind { return kInt }
func (v uintValue[T]) toml() any  { return *v.p }

type floatValue struct{ p *float64 }

func (v floatValue) Set(s string) error {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return fmt.Errorf("not a number: %q", s)
	}
	*v.p = f
	return nil
}
func (v floatValue) kind() kind { return kFloat }
func (v floatValue) toml() any  { return *v.p }

type boolValue struct{ p *bool }

func (v boolValue) Set(s string) error {
	switch strings.ToLower(s) {
	case "true", "1":
		*v.p = true
	case "false", "0":
		*v.p = false
	default:
		return fmt.Errorf("not a boolean (true, false, 1 or 0): %q", s)
	}
	return nil
}
func (v boolValue) kind() kind { return kBool }
func (v boolValue) toml() any  { return *v.p }

type durationValue struct{ p *time.Duration }

func (v durationValue) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("not a duration like \"10s\" or \"1m30s\": %q", s)
	}
	if d < 0 {
		return fmt.Errorf("must not be negative: %q", s)
	}
	*v.p = d
	return nil
}
func (v durationValue) kind() kind { return kString }
func (v durationValue) toml() any  { return v.p.String() }

var maxUint256 = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))

// amountValue holds a non-negative integer up to 2^256-1 (wei, a chain ID);
// "" means nil.
type amountValue struct{ p **big.Int }

func (v amountValue) Set(s string) error {
	if s == "" {
		*v.p = nil
		return nil
	}
	digits := strings.TrimLeft(s, "0123456789")
	switch {
	case strings.HasPrefix(s, "-"):
		return fmt.Errorf("must not be negative: %q", s)
	case strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X"):
		return fmt.Errorf("must be written in decimal, not hex: %q", s)
	case digits != "":
		if _, ok := new(big.Float).SetString(s); ok {
			return fmt.Errorf("must be whole decimal digits, without fraction or exponent: %q", s)
		}
		return fmt.Errorf("not a decimal number: %q", s)
	}
	n, _ := new(big.Int).SetString(s, 10)
	if n.Cmp(maxUint256) > 0 {
		return fmt.Errorf("exceeds 2^256-1: %q", s)
	}
	*v.p = n
	return nil
}
func (v amountValue) kind() kind { return kAmount }
func (v amountValue) toml() any {
	if *v.p == nil {
		return ""
	}
	return (*v.p).String()
}

// addressValue holds an Ethereum address; "" means the zero address (unset).
type addressValue struct{ p *common.Address }

func (v addressValue) Set(s string) error {
	if s == "" {
		*v.p = common.Address{}
		return nil
	}
	a, err := parseAddress(s)
	if err != nil {
		return err
	}
	*v.p = a
	return nil
}
func (v addressValue) kind() kind { return kString }
func (v addressValue) toml() any {
	if *v.p == (common.Address{}) {
		return ""
	}
	return v.p.Hex()
}

// parseAddress accepts 40 hex digits (with or without 0x) in one case, or
// in mixed case only with the right EIP-55 checksum.
func parseAddress(s string) (common.Address, error) {
	if !common.IsHexAddress(s) {
		return common.Address{}, fmt.Errorf("not a valid address %q", s)
	}
	a := common.HexToAddress(s)
	digits := s[len(s)-40:]
	if digits != strings.ToLower(digits) && digits != strings.ToUpper(digits) && digits != a.Hex()[2:] {
		return common.Address{}, fmt.Errorf("bad EIP-55 checksum in address %q: check it for a typo", s)
	}
	return a, nil
}

type addressListValue struct{ p *[]common.Address }

func (v addressListValue) Set(s string) error {
	var list []common.Address
	var errs []string
	for item := range strings.SplitSeq(s, ",") {
		if item = strings.TrimSpace(item); item == "" {
			continue
		}
		a, err := parseAddress(item)
		if err != nil {
			errs = append(errs, err.Error())
		}
		list = append(list, a)
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "; "))
	}
	*v.p = list
	return nil
}
func (v addressListValue) kind() kind { return kList }
func (v addressListValue) toml() any {
	hex := make([]string, len(*v.p))
	for i, a := range *v.p {
		hex[i] = a.Hex()
	}
	return hex
}
