// Package platform holds steward's network operating systems: how each
// one prints its running configuration and which configuration-mode lines
// change it. cisco_iosxe, arista_eos and cisco_nxos share one IOS-style
// implementation (IOSStyle) that differs only by a small dialect; frr
// (FRRouting's vtysh) has its own.
//
// All of them implement netconfig.Platform, and also Normalizer (bring a
// wanted Config to the exact form ParseRunningConfig produces, reporting
// what the platform cannot express) and Renderer (print a Config as the
// device's `show running-config` would, for tests and the lab).
//
// What each platform manages:
//
//	                            iosxe  eos  nxos  frr
//	VLANs (name, state)           x     x    x     -
//	interface description         x     x    x     x
//	interface enabled             x     x    x     x
//	mode, access/native VLAN      x     x    x     -
//	trunk allowed VLANs           x     x    x     -
//	interface ipv4_address        x     x    x     x
//	interface mtu                 x     x    x     -
//	static routes                 x     x    x     x (no name)
//	access lists                  x     x    x     x (addresses only)
//
// Entries the model cannot express are kept opaque (see IsOpaqueEntry).
package platform

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/stewardhq/steward/providers/network/netconfig"
)

// Normalizer rewrites a Config in place into the canonical form that
// ParseRunningConfig produces for the same device state (full interface
// names, CIDR prefixes, numeric ports, defaults folded to their zero
// values...) and reports every setting the platform cannot express. A
// provider normalises the wanted Config before comparing it with a parsed
// one, so that only real differences show in a plan. Lines normalises both
// of its arguments itself.
type Normalizer interface {
	Normalize(c *netconfig.Config) error
}

// Renderer prints a Config the way the device prints its running
// configuration. ParseRunningConfig(Render(c)) gives back c for any c that
// Normalize accepts (FRR does not print interfaces left at their defaults).
type Renderer interface {
	Render(c *netconfig.Config) string
}

var registry = map[string]netconfig.Platform{
	"cisco_iosxe": NewCiscoIOSXE(),
	"arista_eos":  NewAristaEOS(),
	"cisco_nxos":  NewCiscoNXOS(),
	"frr":         NewFRR(),
}

// Names lists the platform names Lookup accepts, sorted.
func Names() []string {
	out := make([]string, 0, len(registry))
	for n := range registry {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Lookup returns the platform of that name. Platforms are stateless and
// safe for concurrent use, so one value serves every device.
func Lookup(name string) (netconfig.Platform, error) {
	if p, ok := registry[name]; ok {
		return p, nil
	}
	return nil, fmt.Errorf("unknown network platform %q (valid: %s)", name, strings.Join(Names(), ", "))
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }

func joinErrs(prefix string, errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	for i, e := range errs {
		errs[i] = fmt.Errorf("%s: %w", prefix, e)
	}
	return errors.Join(errs...)
}

// lineError names the offending line of a running configuration.
func lineError(n int, text string, err error) error {
	return fmt.Errorf("line %d %q: %w", n, text, err)
}

func cloneOrNew(c *netconfig.Config) *netconfig.Config {
	if c == nil {
		return netconfig.New()
	}
	out := c.Clone()
	if out.VLANs == nil {
		out.VLANs = map[int]*netconfig.VLAN{}
	}
	if out.Interfaces == nil {
		out.Interfaces = map[string]*netconfig.Interface{}
	}
	if out.ACLs == nil {
		out.ACLs = map[string]*netconfig.ACL{}
	}
	return out
}

func interfacesEqual(a, b *netconfig.Interface) bool {
	return a.Name == b.Name && a.Description == b.Description && a.Enabled == b.Enabled &&
		a.Mode == b.Mode && a.AccessVLAN == b.AccessVLAN && a.TrunkVLANs.Equal(b.TrunkVLANs) &&
		a.NativeVLAN == b.NativeVLAN && a.IPv4Address == b.IPv4Address && a.MTU == b.MTU
}

func sortedInterfaceNames(ms ...map[string]*netconfig.Interface) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range ms {
		for n := range m {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return naturalLess(out[i], out[j]) })
	return out
}

// canonicalRoutes sorts routes and rejects two routes with one key, which
// a device cannot hold (a second `ip route` for the same prefix and next
// hop replaces the first).
func canonicalRoutes(c *netconfig.Config, fix func(r *netconfig.StaticRoute) error) []error {
	var errs []error
	seen := map[string]bool{}
	out := c.Routes[:0]
	for _, r := range c.Routes {
		if r == nil {
			continue
		}
		if err := fix(r); err != nil {
			errs = append(errs, fmt.Errorf("route %s via %s: %w", r.Prefix, r.NextHop, err))
			continue
		}
		if seen[r.RouteKey()] {
			errs = append(errs, fmt.Errorf("route %s via %s (vrf %q) is declared twice", r.Prefix, r.NextHop, r.VRF))
			continue
		}
		seen[r.RouteKey()] = true
		out = append(out, r)
	}
	c.Routes = out
	c.SortRoutes()
	return errs
}

func canonicalRoutePrefix(r *netconfig.StaticRoute) error {
	p, ok := canonicalNetwork(r.Prefix)
	if !ok {
		return fmt.Errorf("prefix %q is not an IPv4 prefix in CIDR form", r.Prefix)
	}
	r.Prefix = p
	if r.Distance == 1 {
		r.Distance = 0
	}
	if r.Distance < 0 || r.Distance > 255 {
		return fmt.Errorf("distance %d out of range 1-255", r.Distance)
	}
	if r.NextHop == "" {
		return fmt.Errorf("next hop is empty")
	}
	if a, ok := parseIPv4(r.NextHop); ok {
		r.NextHop = a.String()
	}
	return nil
}

// routesDiff splits route changes into lines to write (new or changed, in
// key order) and routes to delete.
func routesDiff(cur, want *netconfig.Config) (write, remove []*netconfig.StaticRoute) {
	have := make(map[string]*netconfig.StaticRoute, len(cur.Routes))
	for _, r := range cur.Routes {
		have[r.RouteKey()] = r
	}
	keep := make(map[string]bool, len(want.Routes))
	for _, r := range want.Routes {
		keep[r.RouteKey()] = true
		if c := have[r.RouteKey()]; c == nil || *c != *r {
			write = append(write, r)
		}
	}
	for _, r := range cur.Routes {
		if !keep[r.RouteKey()] {
			remove = append(remove, r)
		}
	}
	return write, remove
}
