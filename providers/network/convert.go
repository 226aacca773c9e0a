package network

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/providers/network/netconfig"
)

// Object kinds, as they appear in ids.
const (
	kindVLAN      = "vlan"
	kindInterface = "interface"
	kindRoute     = "route"
	kindACL       = "acl"
)

var kindOfType = map[string]string{
	"network_vlan":         kindVLAN,
	"network_interface":    kindInterface,
	"network_static_route": kindRoute,
	"network_acl":          kindACL,
}

func objectID(device, kind, key string) string { return device + ":" + kind + ":" + key }

// parseID splits an id made by objectID.
func parseID(id string) (device, kind, key string, err error) {
	parts := strings.SplitN(id, ":", 3)
	if len(parts) != 3 || parts[0] == "" || parts[2] == "" {
		return "", "", "", fmt.Errorf("%q is not a network object id: ids look like core-1:vlan:20, core-1:interface:GigabitEthernet1/0/1, core-1:route:|10.0.0.0/8|192.0.2.1 or core-1:acl:MGMT", id)
	}
	return parts[0], parts[1], parts[2], nil
}

func str(v cty.Value) string {
	if v.IsNull() || !v.IsKnown() {
		return ""
	}
	return v.AsString()
}

func num(v cty.Value) int {
	if v.IsNull() || !v.IsKnown() {
		return 0
	}
	i, _ := v.AsBigFloat().Int64()
	return int(i)
}

func optStr(s string) cty.Value {
	if s == "" {
		return cty.NullVal(cty.String)
	}
	return cty.StringVal(s)
}

func optNum(i int) cty.Value {
	if i == 0 {
		return cty.NullVal(cty.Number)
	}
	return cty.NumberIntVal(int64(i))
}

// canonicalPrefix masks a prefix to its network address.
func canonicalPrefix(s string) (string, error) {
	p, err := netip.ParsePrefix(strings.TrimSpace(s))
	if err != nil {
		return "", fmt.Errorf("%q is not a prefix in CIDR form", s)
	}
	return p.Masked().String(), nil
}

// canonicalMatch turns an ACL address match into "any" or CIDR.
func canonicalMatch(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "" || s == "any":
		return "any", nil
	case strings.HasPrefix(s, "host "):
		s = strings.TrimSpace(strings.TrimPrefix(s, "host "))
	}
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return "", fmt.Errorf("%q is not any, an address or a prefix", s)
		}
		return netip.PrefixFrom(a, a.BitLen()).String(), nil
	}
	return canonicalPrefix(s)
}

// --- VLAN

func vlanValue(device string, v *netconfig.VLAN) cty.Value {
	state := v.State
	if state == "" {
		state = "active"
	}
	return cty.ObjectVal(map[string]cty.Value{
		"id":      cty.StringVal(objectID(device, kindVLAN, fmt.Sprint(v.ID))),
		"device":  cty.StringVal(device),
		"vlan_id": cty.NumberIntVal(int64(v.ID)),
		"name":    optStr(v.Name),
		"state":   cty.StringVal(state),
	})
}

func vlanFromValue(v cty.Value) *netconfig.VLAN {
	return &netconfig.VLAN{ID: num(v.GetAttr("vlan_id")), Name: str(v.GetAttr("name")), State: str(v.GetAttr("state"))}
}

// --- interface

func interfaceValue(device string, i *netconfig.Interface) cty.Value {
	trunk := cty.NullVal(cty.Set(cty.Number))
	if !i.TrunkVLANs.All && i.Mode == netconfig.ModeTrunk {
		if len(i.TrunkVLANs.IDs) == 0 {
			trunk = cty.SetValEmpty(cty.Number)
		} else {
			var elems []cty.Value
			for _, id := range i.TrunkVLANs.IDs {
				elems = append(elems, cty.NumberIntVal(int64(id)))
			}
			trunk = cty.SetVal(elems)
		}
	}
	access, native := i.AccessVLAN, i.NativeVLAN
	if access == 1 || i.Mode == netconfig.ModeTrunk || i.Mode == netconfig.ModeRouted {
		access = 0
	}
	if native == 1 || i.Mode != netconfig.ModeTrunk {
		native = 0
	}
	addr := i.IPv4Address
	if i.Mode != netconfig.ModeRouted && i.Mode != "" {
		addr = ""
	}
	return cty.ObjectVal(map[string]cty.Value{
		"id":           cty.StringVal(objectID(device, kindInterface, i.Name)),
		"device":       cty.StringVal(device),
		"name":         cty.StringVal(i.Name),
		"description":  optStr(i.Description),
		"enabled":      cty.BoolVal(i.Enabled),
		"mode":         optStr(i.Mode),
		"access_vlan":  optNum(access),
		"trunk_vlans":  trunk,
		"native_vlan":  optNum(native),
		"ipv4_address": optStr(addr),
		"mtu":          optNum(i.MTU),
	})
}

func interfaceFromValue(v cty.Value) *netconfig.Interface {
	i := &netconfig.Interface{
		Name:        str(v.GetAttr("name")),
		Description: str(v.GetAttr("description")),
		Enabled:     v.GetAttr("enabled").IsNull() || v.GetAttr("enabled").True(),
		Mode:        str(v.GetAttr("mode")),
		AccessVLAN:  num(v.GetAttr("access_vlan")),
		NativeVLAN:  num(v.GetAttr("native_vlan")),
		IPv4Address: str(v.GetAttr("ipv4_address")),
		MTU:         num(v.GetAttr("mtu")),
		TrunkVLANs:  netconfig.AllVLANs(),
	}
	if t := v.GetAttr("trunk_vlans"); !t.IsNull() && t.IsKnown() {
		var ids []int
		for it := t.ElementIterator(); it.Next(); {
			_, e := it.Element()
			ids = append(ids, num(e))
		}
		i.TrunkVLANs = netconfig.VLANSetOf(ids...)
	}
	return i
}

// --- static route

func routeKey(vrf, prefix, nextHop string) string { return vrf + "|" + prefix + "|" + nextHop }

func routeValue(device string, r *netconfig.StaticRoute) cty.Value {
	dist := r.Distance
	if dist == 1 {
		dist = 0
	}
	return cty.ObjectVal(map[string]cty.Value{
		"id":       cty.StringVal(objectID(device, kindRoute, routeKey(r.VRF, r.Prefix, r.NextHop))),
		"device":   cty.StringVal(device),
		"prefix":   cty.StringVal(r.Prefix),
		"next_hop": cty.StringVal(r.NextHop),
		"distance": optNum(dist),
		"vrf":      optStr(r.VRF),
		"name":     optStr(r.Name),
	})
}

func routeFromValue(v cty.Value) *netconfig.StaticRoute {
	return &netconfig.StaticRoute{
		Prefix: str(v.GetAttr("prefix")), NextHop: str(v.GetAttr("next_hop")),
		Distance: num(v.GetAttr("distance")), VRF: str(v.GetAttr("vrf")), Name: str(v.GetAttr("name")),
	}
}

// --- ACL

var aclEntryType = cty.Object(map[string]cty.Type{
	"sequence": cty.Number, "action": cty.String, "protocol": cty.String,
	"source": cty.String, "destination": cty.String, "ports": cty.String, "log": cty.Bool,
})

func aclValue(device string, a *netconfig.ACL) cty.Value {
	entries := cty.ListValEmpty(aclEntryType)
	if len(a.Entries) > 0 {
		var elems []cty.Value
		for _, e := range a.Entries {
			proto := e.Protocol
			if proto == "" {
				proto = "ip"
			}
			dst := e.Destination
			if dst == "" {
				dst = "any"
			}
			elems = append(elems, cty.ObjectVal(map[string]cty.Value{
				"sequence":    cty.NumberIntVal(int64(e.Sequence)),
				"action":      cty.StringVal(e.Action),
				"protocol":    cty.StringVal(proto),
				"source":      cty.StringVal(e.Source),
				"destination": cty.StringVal(dst),
				"ports":       optStr(e.Ports),
				"log":         cty.BoolVal(e.Log),
			}))
		}
		entries = cty.ListVal(elems)
	}
	return cty.ObjectVal(map[string]cty.Value{
		"id":     cty.StringVal(objectID(device, kindACL, a.Name)),
		"device": cty.StringVal(device),
		"name":   cty.StringVal(a.Name),
		"entry":  entries,
	})
}

func aclFromValue(v cty.Value) *netconfig.ACL {
	a := &netconfig.ACL{Name: str(v.GetAttr("name"))}
	if es := v.GetAttr("entry"); !es.IsNull() && es.IsKnown() {
		for it := es.ElementIterator(); it.Next(); {
			_, e := it.Element()
			a.Entries = append(a.Entries, netconfig.ACLEntry{
				Sequence: num(e.GetAttr("sequence")), Action: str(e.GetAttr("action")),
				Protocol: str(e.GetAttr("protocol")), Source: str(e.GetAttr("source")),
				Destination: str(e.GetAttr("destination")), Ports: str(e.GetAttr("ports")),
				Log: !e.GetAttr("log").IsNull() && e.GetAttr("log").True(),
			})
		}
	}
	sort.SliceStable(a.Entries, func(i, j int) bool { return a.Entries[i].Sequence < a.Entries[j].Sequence })
	return a
}

// keyOf returns the identity of a configured or stored object within its
// device: what discovery looks it up by.
func keyOf(kind string, v cty.Value) string {
	switch kind {
	case kindVLAN:
		return fmt.Sprint(num(v.GetAttr("vlan_id")))
	case kindInterface:
		return str(v.GetAttr("name"))
	case kindRoute:
		return routeKey(str(v.GetAttr("vrf")), str(v.GetAttr("prefix")), str(v.GetAttr("next_hop")))
	case kindACL:
		return str(v.GetAttr("name"))
	}
	return ""
}

// lookup finds an object in a device configuration and renders it.
func lookup(device, kind, key string, c *netconfig.Config) (cty.Value, bool) {
	switch kind {
	case kindVLAN:
		var id int
		if _, err := fmt.Sscan(key, &id); err != nil {
			return cty.NilVal, false
		}
		if v, ok := c.VLANs[id]; ok {
			return vlanValue(device, v), true
		}
	case kindInterface:
		if i, ok := c.Interfaces[key]; ok {
			return interfaceValue(device, i), true
		}
		return cty.NilVal, false
	case kindRoute:
		if r := c.Route(key); r != nil {
			return routeValue(device, r), true
		}
	case kindACL:
		if a, ok := c.ACLs[key]; ok {
			return aclValue(device, a), true
		}
	}
	return cty.NilVal, false
}
