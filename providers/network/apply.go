package network

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strconv"

	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/providers"
	"github.com/stewardhq/steward/providers/network/netconfig"
	"github.com/stewardhq/steward/providers/network/session"
)

// ApplyChanges implements providers.Provider: all of one device's changes
// go in one configuration session.
func (p *Provider) ApplyChanges(ctx context.Context, req providers.ApplyRequest) providers.ApplyResponse {
	res := make([]providers.ApplyResult, len(req.Items))
	byDevice := map[string][]int{}
	for i, it := range req.Items {
		v := it.Planned
		if it.Action == providers.Delete {
			v = it.Prior
		}
		name := str(v.GetAttr("device"))
		byDevice[name] = append(byDevice[name], i)
	}
	var names []string
	for n := range byDevice {
		names = append(names, n)
	}
	sort.Strings(names)
	forDevices(names, func(name string) {
		p.applyDevice(ctx, name, req.Items, byDevice[name], res)
	})
	return providers.ApplyResponse{Results: res}
}

// unchanged fills results for items that did not take effect.
func unchanged(items []providers.ApplyItem, idx []int, res []providers.ApplyResult, summary string, err error) {
	for _, i := range idx {
		it := items[i]
		res[i].New = it.Prior
		res[i].Diagnostics = providers.Diagnostics{providers.FromError(summary, err)}
	}
}

func (p *Provider) applyDevice(ctx context.Context, name string, items []providers.ApplyItem, idx []int, res []providers.ApplyResult) {
	d, err := p.device(name)
	if err != nil {
		unchanged(items, idx, res, "Unknown device", err)
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	s, err := p.open(ctx, d)
	if err != nil {
		unchanged(items, idx, res, "Cannot connect to device", err)
		return
	}
	defer func() { _ = s.Close() }()
	cur, err := p.readConfig(ctx, s, d)
	if err != nil {
		unchanged(items, idx, res, "Cannot read device", err)
		return
	}
	want := cur.Clone()
	for _, i := range idx {
		applyToModel(want, items[i], d.platform)
	}
	lines := d.platform.Lines(cur, want)
	if len(lines) > 0 {
		var cr *session.ConfigResult
		var err error
		if d.platform.Name() == "arista_eos" {
			// EOS configuration sessions commit all or nothing: a
			// rejected line aborts the session and the running
			// configuration never changes.
			cr, err = s.ConfigureAtomic(ctx, sessionName(), lines)
		} else {
			cr, err = s.Configure(ctx, lines)
		}
		if err != nil {
			// The connection failed mid-session: what reached the device is
			// unknown. Reconnect and put the previous configuration back.
			rerr := p.restore(ctx, d, nil, cur)
			unchanged(items, idx, res, "Configuration session failed", fmt.Errorf("%w; %s", err, restoreOutcome(d.name, rerr)))
			return
		}
		if cr.Failed() {
			rerr := p.restore(ctx, d, s, cur)
			unchanged(items, idx, res, "Device rejected a line", fmt.Errorf("device %s rejected %q: %s; %s", d.name, cr.FailedLine, cr.Message, restoreOutcome(d.name, rerr)))
			return
		}
	}
	after, err := p.readConfig(ctx, s, d)
	if err != nil {
		unchanged(items, idx, res, "Cannot read back the configuration", err)
		return
	}
	var notConverged []string
	for _, i := range idx {
		it := items[i]
		kind := kindOfType[it.Type]
		if it.Action == providers.Delete {
			if kind == kindInterface {
				res[i].New = cty.NullVal(it.Prior.Type())
				continue
			}
			if _, still := lookup(name, kind, keyOf(kind, it.Prior), after); still {
				notConverged = append(notConverged, describeItem(it))
				res[i].New = it.Prior
				res[i].Diagnostics = providers.Diagnostics{providers.Errorf(nil, "Change did not converge", "device %s still has %s after the configuration session", name, describeItem(it))}
				continue
			}
			res[i].New = cty.NullVal(it.Prior.Type())
			continue
		}
		key := keyOf(kind, it.Planned)
		got, ok := lookup(name, kind, key, after)
		if !ok && kind == kindInterface {
			got, ok = interfaceValue(name, d.platform.DefaultInterface(key)), true
		}
		wantV, _ := lookup(name, kind, key, want)
		if !ok || (wantV != cty.NilVal && !got.RawEquals(wantV)) {
			notConverged = append(notConverged, describeItem(it))
			res[i].New = got
			if !ok {
				res[i].New = cty.NullVal(it.Planned.Type())
			}
			res[i].Diagnostics = providers.Diagnostics{providers.Errorf(nil, "Change did not converge", "device %s accepted the configuration, but reading it back shows %s differs from what was sent", name, describeItem(it))}
			continue
		}
		res[i].New = got
	}
	if len(lines) > 0 && d.saveConfig && len(notConverged) == 0 {
		if _, err := s.Command(ctx, d.platform.SaveCommand()); err != nil {
			for _, i := range idx {
				res[i].Diagnostics = append(res[i].Diagnostics, providers.Warnf(nil, "Configuration not saved", "device %s: the change is running but saving it failed: %s", name, err))
			}
		}
	}
}

// sessionName names one EOS configuration session.
func sessionName() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return "steward-" + hex.EncodeToString(b[:])
}

func restoreOutcome(device string, err error) string {
	if err == nil {
		return "the device's previous configuration was restored; nothing was changed"
	}
	return fmt.Sprintf("restoring device %s's previous configuration FAILED (%s): check the device by hand; the next plan shows its real state", device, err)
}

// restore puts the managed configuration of a device back to prev, using
// the open session s or a new one, and checks that it took.
func (p *Provider) restore(ctx context.Context, d *device, s deviceSession, prev *netconfig.Config) error {
	if s == nil {
		ns, err := p.open(ctx, d)
		if err != nil {
			return fmt.Errorf("reconnecting: %w", err)
		}
		defer func() { _ = ns.Close() }()
		s = ns
	}
	now, err := p.readConfig(ctx, s, d)
	if err != nil {
		return err
	}
	lines := d.platform.Lines(now, prev)
	if len(lines) == 0 {
		return nil
	}
	cr, err := s.Configure(ctx, lines)
	if err != nil {
		return err
	}
	if cr.Failed() {
		return fmt.Errorf("the device rejected %q while restoring: %s", cr.FailedLine, cr.Message)
	}
	back, err := p.readConfig(ctx, s, d)
	if err != nil {
		return err
	}
	if len(d.platform.Lines(back, prev)) != 0 {
		return errors.New("the configuration read back still differs from the previous one")
	}
	return nil
}

// applyToModel records one change in the wanted configuration.
func applyToModel(want *netconfig.Config, it providers.ApplyItem, plat netconfig.Platform) {
	v := it.Planned
	if it.Action == providers.Delete {
		v = it.Prior
	}
	switch kindOfType[it.Type] {
	case kindVLAN:
		vl := vlanFromValue(v)
		if it.Action == providers.Delete {
			delete(want.VLANs, vl.ID)
			return
		}
		want.VLANs[vl.ID] = vl
	case kindInterface:
		i := interfaceFromValue(v)
		if it.Action == providers.Delete {
			want.Interfaces[i.Name] = plat.DefaultInterface(i.Name)
			return
		}
		want.Interfaces[i.Name] = i
	case kindRoute:
		r := routeFromValue(v)
		kept := want.Routes[:0]
		for _, x := range want.Routes {
			if x.RouteKey() != r.RouteKey() {
				kept = append(kept, x)
			}
		}
		want.Routes = kept
		if it.Action != providers.Delete {
			want.Routes = append(want.Routes, r)
		}
		want.SortRoutes()
	case kindACL:
		a := aclFromValue(v)
		if it.Action == providers.Delete {
			delete(want.ACLs, a.Name)
			return
		}
		want.ACLs[a.Name] = a
	}
}

// Import implements providers.Provider: ids are DEVICE:KIND:KEY.
func (p *Provider) Import(ctx context.Context, req providers.ImportRequest) providers.ImportResponse {
	res := make([]providers.ImportResult, len(req.Items))
	for i, it := range req.Items {
		devName, kind, key, err := parseID(it.ID)
		if err == nil && kindOfType[it.Type] != kind {
			err = fmt.Errorf("id %q names a %s, but %s is a %s", it.ID, kind, it.Type, kindOfType[it.Type])
		}
		if err != nil {
			res[i].Diagnostics = providers.Diagnostics{providers.FromError("Invalid import id", err)}
			continue
		}
		d, err := p.device(devName)
		if err != nil {
			res[i].Diagnostics = providers.Diagnostics{providers.FromError("Unknown device", err)}
			continue
		}
		if kind == kindInterface {
			if key, err = d.platform.CanonicalInterface(key); err != nil {
				res[i].Diagnostics = providers.Diagnostics{providers.FromError("Invalid interface name", err)}
				continue
			}
		}
		c, err := p.configOf(ctx, d)
		if err != nil {
			res[i].Diagnostics = providers.Diagnostics{providers.FromError("Cannot read device", err)}
			continue
		}
		v, ok := lookup(devName, kind, key, c)
		if !ok {
			res[i].Diagnostics = providers.Diagnostics{providers.Errorf(nil, "Object not found", "device %s has no %s %s", devName, kind, key)}
			continue
		}
		res[i].State = v
	}
	return providers.ImportResponse{Results: res}
}

func (p *Provider) configOf(ctx context.Context, d *device) (*netconfig.Config, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	s, err := p.open(ctx, d)
	if err != nil {
		return nil, err
	}
	defer func() { _ = s.Close() }()
	return p.readConfig(ctx, s, d)
}

// List implements providers.Provider, for `steward discover`.
func (p *Provider) List(ctx context.Context, req providers.ListRequest) providers.ListResponse {
	var resp providers.ListResponse
	kind, ok := kindOfType[req.Type]
	if !ok {
		resp.Diagnostics = providers.Diagnostics{providers.Errorf(nil, "Unknown resource type", "%s", req.Type)}
		return resp
	}
	var names []string
	for n := range p.devices {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c, err := p.configOf(ctx, p.devices[n])
		if err != nil {
			resp.Diagnostics = append(resp.Diagnostics, providers.FromError("Cannot read device", err))
			continue
		}
		resp.Objects = append(resp.Objects, ListObjects(n, kind, c)...)
	}
	return resp
}

// ListObjects renders every object of a kind in a device configuration,
// for online and offline (saved configuration) discovery.
func ListObjects(device, kind string, c *netconfig.Config) []providers.ListedObject {
	var out []providers.ListedObject
	switch kind {
	case kindVLAN:
		ids := make([]int, 0, len(c.VLANs))
		for id := range c.VLANs {
			ids = append(ids, id)
		}
		sort.Ints(ids)
		for _, id := range ids {
			if id == 1 {
				continue // the default VLAN exists everywhere and cannot be removed
			}
			v := vlanValue(device, c.VLANs[id])
			out = append(out, providers.ListedObject{ID: v.GetAttr("id").AsString(), Name: "vlan_" + strconv.Itoa(id), State: v})
		}
	case kindInterface:
		names := make([]string, 0, len(c.Interfaces))
		for n := range c.Interfaces {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			v := interfaceValue(device, c.Interfaces[n])
			out = append(out, providers.ListedObject{ID: v.GetAttr("id").AsString(), Name: n, State: v})
		}
	case kindRoute:
		for _, r := range c.Routes {
			v := routeValue(device, r)
			out = append(out, providers.ListedObject{ID: v.GetAttr("id").AsString(), Name: "route_" + r.Prefix, State: v})
		}
	case kindACL:
		names := make([]string, 0, len(c.ACLs))
		for n := range c.ACLs {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			v := aclValue(device, c.ACLs[n])
			out = append(out, providers.ListedObject{ID: v.GetAttr("id").AsString(), Name: n, State: v})
		}
	}
	return out
}
