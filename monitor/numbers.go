package monitor

import "math/big"

// maxUint256 is 2^256-1.
var maxUint256 = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))

// ParseUint256 parses a decimal string into [0, 2^256-1].
func ParseUint256(field, s string) (*big.Int, error) {
	if err := checkDecimal(field, s); err != nil {
		return nil, err
	}
	if len(s) > 78 {
		return nil, Reject(ReasonNumberOverflow, "field %q exceeds 2^256-1", field)
	}
	v, ok := new(big.Int).SetString(s, 10)
	if !ok {
		return nil, Reject(ReasonBadNumber, "field %q is not a decimal integer", field)
	}
	if v.Cmp(maxUint256) > 0 {
		return nil, Reject(ReasonNumberOverflow, "field %q exceeds 2^256-1", field)
	}
	return v, nil
}

// ParseUint64 parses a decimal string into a uint64.
func ParseUint64(field, s string) (uint64, error) {
	if err := checkDecimal(field, s); err != nil {
		return 0, err
	}
	v, ok := new(big.Int).SetString(s, 10)
	if !ok {
		return 0, Reject(ReasonBadNumber, "field %q is not a decimal integer", field)
	}
	if !v.IsUint64() {
		return 0, Reject(ReasonNumberOverflow, "field %q exceeds 2^64-1", field)
	}
	return v.Uint64(), nil
}

func checkDecimal(field, s string) error {
	if s == "" {
		return Reject(ReasonBadNumber, "field %q is empty", field)
	}
	if len(s) > 1 && s[0] == '0' {
		return Reject(ReasonBadNumber, "field %q has a leading zero", field)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return Reject(ReasonBadNumber, "field %q must be a decimal integer string, got %q", field, Excerpt(s))
		}
	}
	return nil
}
