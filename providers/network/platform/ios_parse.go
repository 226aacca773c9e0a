package platform

import (
	"fmt"
	"strings"

	"github.com/stewardhq/steward/providers/network/netconfig"
)

// ParseRunningConfig implements netconfig.Platform.
func (p *IOSStyle) ParseRunningConfig(text string) (*netconfig.Config, error) {
	d := p.d
	ps := newParsed()
	c := ps.c
	lines := splitConfig(text, true)
	var dev deviceDefaults
	for _, l := range lines {
		switch {
		case l.indent != 0:
		case l.text == "system default switchport":
			dev.switchport = true
		case l.text == "system default switchport shutdown":
			dev.switchportShut = true
		}
	}
	states := map[string]*ifState{}
	for _, b := range blocks(lines) {
		w := strings.Fields(b.head.text)
		var err error
		switch {
		case len(w) == 2 && w[0] == "hostname":
			c.Hostname = w[1]
		case len(w) == 2 && w[0] == "vlan" && looksLikeVLANList(w[1]):
			err = d.parseVLAN(c, b, w[1])
		case len(w) == 2 && w[0] == "interface":
			err = d.parseInterface(states, b, w[1])
		case len(w) >= 3 && w[0] == "ip" && w[1] == "route":
			err = d.parseRoute(ps, b.head, w[2:], "")
		case len(w) == 3 && w[0] == "vrf" && w[1] == "context" && d.route == routeNXOS:
			for _, l := range b.body {
				if lw := strings.Fields(l.text); len(lw) >= 3 && lw[0] == "ip" && lw[1] == "route" {
					if err = d.parseRoute(ps, l, lw[2:], w[2]); err != nil {
						break
					}
				}
			}
		case len(w) >= 3 && w[0] == "ip" && w[1] == "access-list":
			d.parseACL(ps, b, w[2:])
		case len(w) >= 3 && w[0] == "access-list" && d.extendedKeyword:
			d.parseNumberedACE(ps, b.head, w)
		}
		if err != nil {
			return nil, err
		}
	}
	for name, st := range states {
		c.Interfaces[name] = d.finish(st, dev)
	}
	return ps.done(), nil
}

func (d *dialect) parseVLAN(c *netconfig.Config, b block, list string) error {
	ids, err := parseVLANList(list)
	if err != nil {
		return lineError(b.head.n, b.head.text, err)
	}
	// A block under a range line applies to each VLAN of the range; a
	// setting it does not mention keeps what an earlier block said.
	var name, state *string
	for _, l := range b.body {
		lw := strings.Fields(l.text)
		switch {
		case len(lw) >= 2 && lw[0] == "name":
			n := after(l.text, 1)
			name = &n
		case len(lw) == 2 && lw[0] == "no" && lw[1] == "name":
			n := ""
			name = &n
		case len(lw) == 2 && lw[0] == "state" && (lw[1] == "active" || lw[1] == "suspend"):
			state = &lw[1]
		}
	}
	for _, id := range ids {
		if id == 1 || (d.name == "cisco_iosxe" && id >= 1002 && id <= 1005) {
			continue // default VLANs exist always and cannot be managed
		}
		v := c.VLANs[id]
		if v == nil {
			v = &netconfig.VLAN{ID: id, State: "active"}
			c.VLANs[id] = v
		}
		if name != nil {
			v.Name = *name
			if v.Name == fmt.Sprintf("VLAN%04d", id) {
				v.Name = ""
			}
		}
		if state != nil {
			v.State = *state
		}
	}
	return nil
}

func (d *dialect) parseInterface(states map[string]*ifState, b block, name string) error {
	t, full, err := d.resolve(name)
	if err != nil || t.kind == kindNull {
		return nil // a kind of interface steward does not manage
	}
	st := states[full]
	if st == nil {
		st = d.newIfState(t, full)
		states[full] = st
	}
	i := st.i
	for _, l := range b.body {
		w := strings.Fields(l.text)
		bad := func(err error) error { return lineError(l.n, l.text, err) }
		switch {
		case w[0] == "description":
			i.Description = after(l.text, 1)
		case l.text == "no description":
			i.Description = ""
		case l.text == "shutdown":
			st.shut = 1
		case l.text == "no shutdown":
			st.shut = 2
		case l.text == "switchport":
			st.switchport, st.noSwitchport = true, false
		case l.text == "no switchport":
			st.noSwitchport, st.switchport = true, false
		case len(w) >= 3 && w[0] == "switchport" && w[1] == "mode":
			st.mode = w[2]
		case l.text == "no switchport mode":
			st.mode = ""
		case len(w) == 4 && w[0] == "switchport" && w[1] == "access" && w[2] == "vlan" && isDigits(w[3]):
			v, ok := atoiRange(w[3], minVLAN, maxVLAN)
			if !ok {
				return bad(fmt.Errorf("access VLAN out of range"))
			}
			i.AccessVLAN = v
		case len(w) == 5 && w[0] == "switchport" && w[1] == "trunk" && w[2] == "native" && w[3] == "vlan" && isDigits(w[4]):
			v, ok := atoiRange(w[4], minVLAN, maxVLAN)
			if !ok {
				return bad(fmt.Errorf("native VLAN out of range"))
			}
			i.NativeVLAN = v
		case len(w) >= 5 && w[0] == "switchport" && w[1] == "trunk" && w[2] == "allowed" && w[3] == "vlan":
			s, err := applyAllowed(i.TrunkVLANs, w[4:])
			if err != nil {
				return bad(err)
			}
			i.TrunkVLANs = s
		case len(w) == 2 && w[0] == "mtu":
			v, ok := atoiRange(w[1], 1, 65535)
			if !ok {
				return bad(fmt.Errorf("bad MTU"))
			}
			i.MTU = v
		case len(w) >= 3 && w[0] == "ip" && w[1] == "address":
			a, err := d.parseIfAddress(w[2:])
			if err != nil {
				return bad(err)
			}
			if a != "-" {
				i.IPv4Address = a
			}
		case l.text == "no ip address":
			i.IPv4Address = ""
		}
	}
	return nil
}

// parseIfAddress reads the words after `ip address`; "-" means the line
// is not about the primary static address (secondary, dhcp...).
func (d *dialect) parseIfAddress(w []string) (string, error) {
	if w[len(w)-1] == "secondary" {
		return "-", nil
	}
	if strings.Contains(w[0], "/") {
		a, ok := canonicalIfAddr(w[0])
		if !ok {
			return "", fmt.Errorf("bad address %q", w[0])
		}
		return a, nil
	}
	if _, ok := parseIPv4(w[0]); !ok {
		return "-", nil // dhcp, negotiated, pool...: not a static address
	}
	if len(w) < 2 {
		return "", fmt.Errorf("address without mask")
	}
	return ifAddrFromMask(w[0], w[1])
}

// applyAllowed folds one `switchport trunk allowed vlan ...` line into the
// set: devices split long lists over several lines with `add`.
func applyAllowed(s netconfig.VLANSet, w []string) (netconfig.VLANSet, error) {
	if len(w) == 1 {
		switch w[0] {
		case "all":
			return netconfig.AllVLANs(), nil
		case "none":
			return netconfig.VLANSet{IDs: []int{}}, nil
		}
		ids, err := parseVLANList(w[0])
		if err != nil {
			return s, err
		}
		return netconfig.VLANSetOf(ids...), nil
	}
	if len(w) != 2 {
		return s, fmt.Errorf("bad allowed VLAN list")
	}
	ids, err := parseVLANList(w[1])
	if err != nil {
		return s, err
	}
	switch w[0] {
	case "add":
		if s.All {
			return s, nil
		}
		return netconfig.VLANSet{IDs: vlanUnion(s.IDs, ids)}, nil
	case "remove":
		base := s.IDs
		if s.All {
			base = allBut(nil)
		}
		return netconfig.VLANSet{IDs: vlanDiff(base, ids)}, nil
	case "except":
		return netconfig.VLANSet{IDs: allBut(ids)}, nil
	}
	return s, fmt.Errorf("unknown allowed VLAN keyword %q", w[0])
}

// parseRoute reads the words after `ip route`. Routes with settings the
// model has no field for (tag, track, permanent, an interface and a
// gateway together...) are left unmanaged rather than half-read.
func (d *dialect) parseRoute(ps *parsed, l cfgLine, w []string, vrf string) error {
	if len(w) >= 2 && w[0] == "vrf" && d.route != routeNXOS {
		vrf, w = w[1], w[2:]
	}
	r := &netconfig.StaticRoute{VRF: vrf}
	if d.route == routeIOS {
		if len(w) < 3 {
			return nil
		}
		if _, ok := parseIPv4(w[0]); !ok {
			return nil // ip route static bfd, ip route profile...
		}
		n, ok := netmaskLen(w[1])
		if !ok {
			return lineError(l.n, l.text, fmt.Errorf("bad netmask %q", w[1]))
		}
		r.Prefix, _ = networkCIDR(w[0], n)
		w = w[2:]
	} else {
		if len(w) < 2 || !strings.Contains(w[0], "/") {
			return nil
		}
		p, ok := canonicalNetwork(w[0])
		if !ok {
			return lineError(l.n, l.text, fmt.Errorf("bad prefix %q", w[0]))
		}
		r.Prefix = p
		w = w[1:]
	}
	if a, ok := parseIPv4(w[0]); ok {
		r.NextHop = a.String()
	} else if _, full, err := d.resolve(w[0]); err == nil {
		if len(w) > 1 {
			if _, isAddr := parseIPv4(w[1]); isAddr {
				return nil // interface plus gateway: no field for both
			}
		}
		r.NextHop = full
	} else {
		return nil
	}
	for i := 1; i < len(w); i++ {
		switch {
		case isDigits(w[i]) && r.Distance == 0:
			v, ok := atoiRange(w[i], 1, 255)
			if !ok {
				return lineError(l.n, l.text, fmt.Errorf("distance out of range"))
			}
			r.Distance = v
		case w[i] == "name" && i+1 < len(w) && r.Name == "":
			r.Name = w[i+1]
			i++
		default:
			return nil
		}
	}
	if r.Distance == 1 {
		r.Distance = 0
	}
	ps.addRoute(r)
	return nil
}

// parseACL reads an `ip access-list ...` block. IOS named standard ACLs and
// EOS standard ACLs are not managed: nothing in the model says an ACL is
// standard, so Lines could not edit one.
func (d *dialect) parseACL(ps *parsed, b block, w []string) {
	var name string
	switch {
	case d.extendedKeyword && len(w) == 2 && w[0] == "extended":
		name = w[1]
		if numbered, _ := d.aclKind(name); numbered {
			return
		}
	case !d.extendedKeyword && len(w) == 1 && w[0] != "match-local-traffic":
		name = w[0]
	default:
		return
	}
	a := ps.acl(name)
	last := 0
	if n := len(a.Entries); n > 0 {
		last = a.Entries[n-1].Sequence
	}
	for _, l := range b.body {
		lw := strings.Fields(l.text)
		seq := last + 10
		text := l.text
		if v, ok := atoiRange(lw[0], 1, 1<<31-1); ok {
			seq, lw, text = v, lw[1:], after(l.text, 1)
		}
		if len(lw) == 0 {
			continue
		}
		e, ok := aceFrom(seq, lw, text, false)
		if !ok {
			continue
		}
		ps.acls.put(a, e)
		last = seq
	}
}

// aceFrom reads an entry from its words after the sequence number; ok is
// false for lines that are not entries (statistics per-entry...).
func aceFrom(seq int, w []string, text string, standard bool) (netconfig.ACLEntry, bool) {
	switch w[0] {
	case "remark":
		return netconfig.ACLEntry{Sequence: seq, Action: "remark", Protocol: after(text, 1)}, true
	case "permit", "deny":
		return parseACE(seq, w[0], w[1:], standard), true
	}
	return netconfig.ACLEntry{}, false
}

// parseNumberedACE reads one `access-list N ...` line of IOS's numbered
// ACLs, numbering entries 10, 20, ... as IOS does internally.
func (d *dialect) parseNumberedACE(ps *parsed, l cfgLine, w []string) {
	name := w[1]
	numbered, std := d.aclKind(name)
	if !numbered {
		return
	}
	seq := ps.lastSeq[name] + 10
	e, ok := aceFrom(seq, w[2:], after(l.text, 2), std)
	if !ok {
		return // access-list compiled, dynamic entries...
	}
	ps.acls.put(ps.acl(name), e)
	ps.lastSeq[name] = seq
}
