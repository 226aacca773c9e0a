package platform

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/stewardhq/steward/providers/network/netconfig"
)

const (
	minVLAN = 1
	maxVLAN = 4094
)

// parseVLANList reads "2-4,10,20-22" as devices print and accept it.
func parseVLANList(s string) ([]int, error) {
	if s == "" {
		return nil, fmt.Errorf("empty VLAN list")
	}
	var out []int
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, ok := atoiRange(strings.TrimSpace(lo), minVLAN, maxVLAN)
		if !ok {
			return nil, fmt.Errorf("bad VLAN %q in %q", lo, s)
		}
		b := a
		if isRange {
			if b, ok = atoiRange(strings.TrimSpace(hi), minVLAN, maxVLAN); !ok || b < a {
				return nil, fmt.Errorf("bad VLAN range %q in %q", part, s)
			}
		}
		for v := a; v <= b; v++ {
			out = append(out, v)
		}
	}
	return out, nil
}

// looksLikeVLANList tells a `vlan 10` block from the many other top-level
// commands that start with "vlan" (vlan internal allocation policy, vlan
// configuration, vlan access-map...).
func looksLikeVLANList(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && r != ',' && r != '-' {
			return false
		}
	}
	return true
}

// formatVLANRuns writes sorted ids as ranges; runs shorter than minRun are
// listed one by one (IOS prints 10,11 but 10-12).
func formatVLANRuns(ids []int, minRun int) []string {
	var out []string
	for i := 0; i < len(ids); {
		j := i
		for j+1 < len(ids) && ids[j+1] == ids[j]+1 {
			j++
		}
		if j-i+1 >= minRun && j > i {
			out = append(out, strconv.Itoa(ids[i])+"-"+strconv.Itoa(ids[j]))
		} else {
			for k := i; k <= j; k++ {
				out = append(out, strconv.Itoa(ids[k]))
			}
		}
		i = j + 1
	}
	return out
}

func formatVLANList(ids []int, minRun int) string {
	return strings.Join(formatVLANRuns(ids, minRun), ",")
}

// chunkVLANList splits a long list into pieces of at most width characters
// so no single command line exceeds what a device's line editor takes.
func chunkVLANList(ids []int, minRun, width int) []string {
	runs := formatVLANRuns(ids, minRun)
	if width <= 0 {
		return []string{strings.Join(runs, ",")}
	}
	var out []string
	cur := ""
	for _, r := range runs {
		if cur != "" && len(cur)+1+len(r) > width {
			out = append(out, cur)
			cur = ""
		}
		if cur != "" {
			cur += ","
		}
		cur += r
	}
	if cur != "" {
		out = append(out, cur)
	}
	return out
}

func vlanDiff(a, b []int) []int {
	in := make(map[int]bool, len(b))
	for _, v := range b {
		in[v] = true
	}
	var out []int
	for _, v := range a {
		if !in[v] {
			out = append(out, v)
		}
	}
	return out
}

func vlanUnion(a, b []int) []int {
	return netconfig.VLANSetOf(append(append([]int(nil), a...), b...)...).IDs
}

// allBut returns 1-4094 without ids: what `remove`/`except` leave of "all".
func allBut(ids []int) []int {
	skip := make(map[int]bool, len(ids))
	for _, v := range ids {
		skip[v] = true
	}
	out := make([]int, 0, maxVLAN)
	for v := minVLAN; v <= maxVLAN; v++ {
		if !skip[v] {
			out = append(out, v)
		}
	}
	return out
}

// canonicalVLANSet sorts and de-duplicates, and folds a list naming every
// VLAN into All, which is how devices print it.
func canonicalVLANSet(s netconfig.VLANSet) (netconfig.VLANSet, error) {
	if s.All {
		return netconfig.AllVLANs(), nil
	}
	out := netconfig.VLANSetOf(s.IDs...)
	for _, v := range out.IDs {
		if v < minVLAN || v > maxVLAN {
			return s, fmt.Errorf("VLAN %d out of range %d-%d", v, minVLAN, maxVLAN)
		}
	}
	if len(out.IDs) == maxVLAN {
		return netconfig.AllVLANs(), nil
	}
	return out, nil
}

func sortedVLANIDs(m map[int]*netconfig.VLAN) []int {
	ids := make([]int, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	return ids
}
