package schema

import (
	"fmt"
	"strings"

	"github.com/zclconf/go-cty/cty"
)

// OneOf accepts a string from a fixed list.
func OneOf(allowed ...string) func(cty.Value) error {
	return func(v cty.Value) error {
		if v.Type() != cty.String {
			return nil
		}
		s := v.AsString()
		for _, a := range allowed {
			if s == a {
				return nil
			}
		}
		return fmt.Errorf("%q is not one of %s", s, quoteList(allowed))
	}
}

// IntBetween accepts whole numbers in [min, max].
func IntBetween(min, max int64) func(cty.Value) error {
	return func(v cty.Value) error {
		if v.Type() != cty.Number {
			return nil
		}
		bf := v.AsBigFloat()
		i, _ := bf.Int64()
		if !bf.IsInt() || i < min || i > max {
			return fmt.Errorf("%s is not a whole number from %d to %d", bf.Text('f', -1), min, max)
		}
		return nil
	}
}

func quoteList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = fmt.Sprintf("%q", s)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}
