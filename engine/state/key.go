package state

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/stewardhq/steward/engine/addrs"
)

type keyKind uint8

const (
	keyNone keyKind = iota
	keyInt
	keyString
)

// InstanceKey identifies one instance of a resource: no key (a resource
// without count or for_each), an integer (count) or a string (for_each).
// The zero value is NoKey. InstanceKey is comparable with ==.
//
// In JSON an integer key is a number, a string key a string, and NoKey is
// written by leaving the field out.
type InstanceKey struct {
	kind keyKind
	i    int
	s    string
}

// NoKey is the key of the single instance of a resource without count or
// for_each.
var NoKey InstanceKey

// IntKey returns the key of instance i of a counted resource. i must be in
// 0..math.MaxInt32 (so files stay readable on 32-bit builds); Marshal
// refuses a state that has another.
func IntKey(i int) InstanceKey { return InstanceKey{kind: keyInt, i: i} }

// StringKey returns the key of instance s of a for_each resource.
func StringKey(s string) InstanceKey { return InstanceKey{kind: keyString, s: s} }

// KeyFromAddr returns the state's form of an address's instance key.
func KeyFromAddr(k addrs.InstanceKey) InstanceKey {
	switch {
	case k.IsInt():
		return IntKey(k.Int())
	case k.IsString():
		return StringKey(k.Str())
	}
	return NoKey
}

// Addr returns k as an address's instance key, the inverse of KeyFromAddr.
func (k InstanceKey) Addr() addrs.InstanceKey {
	switch k.kind {
	case keyInt:
		return addrs.IntKey(k.i)
	case keyString:
		return addrs.StringKey(k.s)
	}
	return addrs.NoKey
}

// IsZero reports whether k is NoKey. encoding/json's omitzero uses it.
func (k InstanceKey) IsZero() bool { return k.kind == keyNone }

// Int returns the integer key and whether k is one.
func (k InstanceKey) Int() (int, bool) { return k.i, k.kind == keyInt }

// Str returns the string key and whether k is one.
func (k InstanceKey) Str() (string, bool) { return k.s, k.kind == keyString }

// String returns the key as it appears in an instance address: "" for
// NoKey, `[0]`, or `["a"]`.
func (k InstanceKey) String() string {
	switch k.kind {
	case keyInt:
		return "[" + strconv.Itoa(k.i) + "]"
	case keyString:
		return "[" + strconv.Quote(k.s) + "]"
	default:
		return ""
	}
}

// Compare orders keys: NoKey first, then integers ascending, then strings
// ascending. It returns -1, 0 or +1 like cmp.Compare.
func (k InstanceKey) Compare(o InstanceKey) int {
	return cmp.Or(
		cmp.Compare(k.kind, o.kind),
		cmp.Compare(k.i, o.i),
		cmp.Compare(k.s, o.s),
	)
}

// MarshalJSON writes an integer key as a number and a string key as a
// string.
func (k InstanceKey) MarshalJSON() ([]byte, error) {
	switch k.kind {
	case keyInt:
		if k.i < 0 || k.i > math.MaxInt32 {
			return nil, fmt.Errorf("instance key %d is out of range", k.i)
		}
		return []byte(strconv.Itoa(k.i)), nil
	case keyString:
		return json.Marshal(k.s)
	default:
		return []byte("null"), nil
	}
}

// UnmarshalJSON accepts a non-negative integer, a string, or null (NoKey).
func (k *InstanceKey) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*k = NoKey
		return nil
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("instance key: %w", err)
		}
		*k = StringKey(s)
		return nil
	default:
		// Parse as an integer directly instead of through float64 so that a
		// huge or fractional number is an error rather than a silently
		// different key.
		n, err := strconv.ParseInt(string(b), 10, 64)
		if err != nil || n < 0 || n > math.MaxInt32 {
			return fmt.Errorf("instance key %.40s is neither a string nor a non-negative integer", b)
		}
		*k = IntKey(int(n))
		return nil
	}
}
