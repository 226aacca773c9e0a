package lab

import (
	"math/bits"
	"strconv"
	"strings"
)

// vlanSet is a set of VLAN IDs (0-4095; only 1-4094 are valid on the wire).
// A fixed bitmap keeps copies cheap and comparisons exact, which matters
// because every configuration snapshot copies one per port.
type vlanSet [64]uint64

// everyVLAN is 1-4094, what a trunk carries by default; computed once
// because every new port and every isAll compares against it.
var everyVLAN = func() vlanSet {
	var s vlanSet
	s.addRange(1, 4094)
	return s
}()

// allVLANs is what a trunk carries by default.
func allVLANs() vlanSet { return everyVLAN }

func (s *vlanSet) add(v int) { s[v/64] |= 1 << (uint(v) % 64) }

func (s *vlanSet) addRange(lo, hi int) {
	for v := lo; v <= hi; v++ {
		s.add(v)
	}
}

func (s *vlanSet) remove(v int) { s[v/64] &^= 1 << (uint(v) % 64) }

func (s vlanSet) has(v int) bool { return v >= 0 && v < 4096 && s[v/64]&(1<<(uint(v)%64)) != 0 }

func (s *vlanSet) union(o vlanSet) {
	for i := range s {
		s[i] |= o[i]
	}
}

func (s *vlanSet) subtract(o vlanSet) {
	for i := range s {
		s[i] &^= o[i]
	}
}

func (s vlanSet) empty() bool { return s == vlanSet{} }

func (s vlanSet) isAll() bool { return s == everyVLAN }

func (s vlanSet) count() int {
	n := 0
	for _, w := range s {
		n += bits.OnesCount64(w)
	}
	return n
}

// ids lists the members in ascending order, a word of the bitmap at a
// time: configurations are rendered on every show running-config.
func (s vlanSet) ids() []int {
	out := make([]int, 0, s.count())
	for i, w := range s {
		for w != 0 {
			out = append(out, i*64+bits.TrailingZeros64(w))
			w &= w - 1
		}
	}
	return out
}

// items returns the members as the comma-separated items devices print:
// runs of three or more consecutive IDs as "a-b", shorter runs one by one
// ("1,2" rather than "1-2"), which is what IOS, EOS and NX-OS all do.
func (s vlanSet) items() []string {
	var out []string
	ids := s.ids()
	for i := 0; i < len(ids); {
		j := i
		for j+1 < len(ids) && ids[j+1] == ids[j]+1 {
			j++
		}
		switch {
		case j-i >= 2:
			out = append(out, strconv.Itoa(ids[i])+"-"+strconv.Itoa(ids[j]))
		case j == i+1:
			out = append(out, strconv.Itoa(ids[i]), strconv.Itoa(ids[j]))
		default:
			out = append(out, strconv.Itoa(ids[i]))
		}
		i = j + 1
	}
	return out
}

func (s vlanSet) String() string { return strings.Join(s.items(), ",") }

// parseVLANList reads a list such as "10,20-30". It returns the offset in s
// of the first character it could not accept, or -1 when s is valid, so that
// the caller can put the caret where a device would.
func parseVLANList(s string, lo, hi int) (vlanSet, int) {
	var set vlanSet
	if s == "" {
		return set, 0
	}
	off := 0
	for _, item := range strings.Split(s, ",") {
		a, b, isRange := strings.Cut(item, "-")
		first, err := strconv.Atoi(a)
		if err != nil || first < lo || first > hi || a == "" || a[0] == '+' {
			return set, off
		}
		last := first
		if isRange {
			last, err = strconv.Atoi(b)
			if err != nil || last < first || last > hi || b == "" || b[0] == '+' {
				return set, off + len(a) + 1
			}
		}
		set.addRange(first, last)
		off += len(item) + 1
	}
	return set, -1
}
