package network

import (
	"context"
	"fmt"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/providers"
	"github.com/stewardhq/steward/providers/network/netconfig"
	"github.com/stewardhq/steward/providers/network/platform"
)

// PlanChanges implements providers.Provider. The planned value is the
// configuration passed through the same model and rendering that discovery
// uses, so that what the device prints back (full interface names,
// canonical prefixes, default values) never shows as a difference.
func (p *Provider) PlanChanges(_ context.Context, req providers.PlanRequest) providers.PlanResponse {
	res := make([]providers.PlanResult, len(req.Items))
	for i, it := range req.Items {
		planned, diags := p.planOne(it)
		res[i] = providers.PlanResult{Planned: planned, Diagnostics: diags}
		if it.Type == "network_interface" && !diags.HasErrors() {
			res[i].Summary = portSummary(it.Prior, planned)
		}
	}
	return providers.PlanResponse{Results: res}
}

// portSummary says in words what changes for the devices behind a port:
// which VLANs a trunk starts or stops carrying, which VLAN an access port
// moves to.
func portSummary(prior, planned cty.Value) string {
	if prior.IsNull() || !planned.IsWhollyKnown() || planned.IsNull() {
		return ""
	}
	port := str(planned.GetAttr("name")) + " on " + str(planned.GetAttr("device"))
	before, after := interfaceFromValue(prior), interfaceFromValue(planned)
	var parts []string
	switch {
	case before.Mode != after.Mode && after.Mode != "":
		parts = append(parts, "becomes a "+after.Mode+" port")
	case after.Mode == netconfig.ModeTrunk && !before.TrunkVLANs.Equal(after.TrunkVLANs) && !before.TrunkVLANs.All && !after.TrunkVLANs.All:
		added, removed := vlanDiff(before.TrunkVLANs.IDs, after.TrunkVLANs.IDs)
		if len(added) > 0 {
			parts = append(parts, "will also carry "+vlanWords(added))
		}
		if len(removed) > 0 {
			parts = append(parts, "will stop carrying "+vlanWords(removed))
		}
	case after.Mode == netconfig.ModeAccess && before.AccessVLAN != after.AccessVLAN:
		parts = append(parts, fmt.Sprintf("moves from VLAN %d to VLAN %d", orOne(before.AccessVLAN), orOne(after.AccessVLAN)))
	}
	if before.Enabled != after.Enabled {
		if after.Enabled {
			parts = append(parts, "will be enabled")
		} else {
			parts = append(parts, "will be shut down")
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return port + " " + strings.Join(parts, " and ")
}

func orOne(v int) int {
	if v == 0 {
		return 1
	}
	return v
}

func vlanDiff(before, after []int) (added, removed []int) {
	in := func(list []int, v int) bool {
		for _, x := range list {
			if x == v {
				return true
			}
		}
		return false
	}
	for _, v := range after {
		if !in(before, v) {
			added = append(added, v)
		}
	}
	for _, v := range before {
		if !in(after, v) {
			removed = append(removed, v)
		}
	}
	return added, removed
}

func vlanWords(ids []int) string {
	words := make([]string, len(ids))
	for i, id := range ids {
		words[i] = fmt.Sprint(id)
	}
	if len(ids) == 1 {
		return "VLAN " + words[0]
	}
	return "VLANs " + strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

func (p *Provider) planOne(it providers.PlanItem) (cty.Value, providers.Diagnostics) {
	cfg := it.Config
	kind := kindOfType[it.Type]
	devName := str(cfg.GetAttr("device"))
	if !cfg.GetAttr("device").IsKnown() {
		return withUnknownID(it.Proposed, it.Prior), nil
	}
	d, err := p.device(devName)
	if err != nil {
		return it.Proposed, providers.Diagnostics{providers.Errorf(cty.GetAttrPath("device"), "Unknown device", "%s", err)}
	}
	if !cfg.IsWhollyKnown() {
		return withUnknownID(it.Proposed, it.Prior), nil
	}
	plat := d.platform.Name()
	switch kind {
	case kindVLAN:
		if plat == "frr" {
			return it.Proposed, unsupported(devName, plat, "VLANs")
		}
		v := vlanFromValue(cfg)
		if v.Name == fmt.Sprintf("VLAN%04d", v.ID) {
			v.Name = "" // the default name, which the device does not print
		}
		c := netconfig.New()
		c.VLANs[v.ID] = v
		if diags := normalize(d.platform, c); diags.HasErrors() {
			return it.Proposed, diags
		}
		return vlanValue(devName, c.VLANs[v.ID]), nil
	case kindInterface:
		i := interfaceFromValue(cfg)
		name, err := d.platform.CanonicalInterface(i.Name)
		if err != nil {
			return it.Proposed, providers.Diagnostics{providers.Errorf(cty.GetAttrPath("name"), "Invalid interface name", "device %s: %s", devName, err)}
		}
		i.Name = name
		if diags := checkInterface(i, plat); diags.HasErrors() {
			return it.Proposed, diags
		}
		c := netconfig.New()
		c.Interfaces[i.Name] = i
		if diags := normalize(d.platform, c); diags.HasErrors() {
			return it.Proposed, diags
		}
		return interfaceValue(devName, c.Interfaces[i.Name]), nil
	case kindRoute:
		r := routeFromValue(cfg)
		prefix, err := canonicalPrefix(r.Prefix)
		if err != nil {
			return it.Proposed, providers.Diagnostics{providers.Errorf(cty.GetAttrPath("prefix"), "Invalid prefix", "%s", err)}
		}
		r.Prefix = prefix
		c := netconfig.New()
		c.Routes = append(c.Routes, r)
		if diags := normalize(d.platform, c); diags.HasErrors() {
			return it.Proposed, diags
		}
		return routeValue(devName, c.Routes[0]), nil
	case kindACL:
		a := aclFromValue(cfg)
		var diags providers.Diagnostics
		seen := map[int]bool{}
		for j := range a.Entries {
			e := &a.Entries[j]
			path := cty.GetAttrPath("entry").IndexInt(j)
			if e.Sequence == 0 {
				e.Sequence = (j + 1) * 10
			}
			if seen[e.Sequence] {
				diags = append(diags, providers.Errorf(path.GetAttr("sequence"), "Duplicate sequence number", "access list %s has two entries numbered %d", a.Name, e.Sequence))
			}
			seen[e.Sequence] = true
			for _, f := range []struct {
				name string
				v    *string
			}{{"source", &e.Source}, {"destination", &e.Destination}} {
				m, err := canonicalMatch(*f.v)
				if err != nil {
					diags = append(diags, providers.Errorf(path.GetAttr(f.name), "Invalid address", "%s", err))
					continue
				}
				*f.v = m
			}
			if e.Ports != "" && e.Protocol != "tcp" && e.Protocol != "udp" {
				diags = append(diags, providers.Errorf(path.GetAttr("ports"), "Ports need tcp or udp", "entry %d matches ports but its protocol is %q", e.Sequence, e.Protocol))
			}
			if plat == "frr" && (e.Protocol != "ip" || e.Destination != "any" || e.Ports != "") {
				diags = append(diags, providers.Errorf(path, "Unsupported on FRR", "FRR access lists match a source prefix only: set protocol \"ip\", no destination and no ports"))
			}
		}
		if diags.HasErrors() {
			return it.Proposed, diags
		}
		c := netconfig.New()
		c.ACLs[a.Name] = a
		if diags := normalize(d.platform, c); diags.HasErrors() {
			return it.Proposed, diags
		}
		return aclValue(devName, c.ACLs[a.Name]), nil
	}
	return it.Proposed, providers.Diagnostics{providers.Errorf(nil, "Unknown resource type", "%s", it.Type)}
}

// normalize brings a one-object configuration to the form the platform's
// parser produces for the same device state, so that planned values and
// discovered ones compare equal.
func normalize(p netconfig.Platform, c *netconfig.Config) providers.Diagnostics {
	n, ok := p.(platform.Normalizer)
	if !ok {
		return nil
	}
	if err := n.Normalize(c); err != nil {
		return providers.Diagnostics{providers.Errorf(nil, "Not supported on this platform", "%s: %s", p.Name(), err)}
	}
	return nil
}

func unsupported(dev, plat, what string) providers.Diagnostics {
	return providers.Diagnostics{providers.Errorf(cty.GetAttrPath("device"), "Not supported on this platform", "device %s runs %s, which has no %s", dev, plat, what)}
}

func checkInterface(i *netconfig.Interface, plat string) providers.Diagnostics {
	var diags providers.Diagnostics
	bad := func(attr, format string, args ...any) {
		diags = append(diags, providers.Errorf(cty.GetAttrPath(attr), "Invalid interface settings", format, args...))
	}
	if plat == "frr" {
		if i.Mode == netconfig.ModeAccess || i.Mode == netconfig.ModeTrunk || i.AccessVLAN != 0 || !i.TrunkVLANs.All || i.NativeVLAN != 0 {
			bad("mode", "%s runs FRR, which has no switchports: use description, enabled, ipv4_address and mtu", i.Name)
		}
		return diags
	}
	if i.AccessVLAN != 0 && i.Mode != netconfig.ModeAccess && i.Mode != "" {
		bad("access_vlan", "access_vlan applies to access ports, but %s is in %s mode", i.Name, i.Mode)
	}
	if (!i.TrunkVLANs.All || i.NativeVLAN != 0) && i.Mode != netconfig.ModeTrunk {
		bad("trunk_vlans", "trunk_vlans and native_vlan apply to trunks: set mode = \"trunk\" on %s", i.Name)
	}
	if i.IPv4Address != "" && i.Mode != netconfig.ModeRouted {
		bad("ipv4_address", "an address needs a routed port: set mode = \"routed\" on %s", i.Name)
	}
	for _, id := range i.TrunkVLANs.IDs {
		if id < 1 || id > 4094 {
			bad("trunk_vlans", "VLAN %d is not from 1 to 4094", id)
		}
	}
	return diags
}

// withUnknownID returns the proposed value with the id unknown (for a new
// object) or kept (for an existing one): the rest is decided at apply.
func withUnknownID(proposed, prior cty.Value) cty.Value {
	if proposed.IsNull() || !proposed.IsKnown() {
		return proposed
	}
	attrs := proposed.AsValueMap()
	if prior.IsNull() {
		attrs["id"] = cty.UnknownVal(cty.String)
	} else {
		attrs["id"] = prior.GetAttr("id")
	}
	return cty.ObjectVal(attrs)
}

// describeItem names an apply item for messages.
func describeItem(it providers.ApplyItem) string {
	return strings.TrimSpace(it.Address)
}
