package network

import (
	"context"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/providers"
)

func configured(t *testing.T, devices map[string]map[string]cty.Value) (*Provider, providers.Diagnostics) {
	t.Helper()
	pp, _ := New()
	p := pp.(*Provider)
	t.Cleanup(func() { _ = p.Close() })
	block := &p.Schema().Config.BlockTypes["device"].Block
	devs := map[string]cty.Value{}
	for name, attrs := range devices {
		full := map[string]cty.Value{}
		for n, a := range block.Attributes {
			full[n] = cty.NullVal(a.Type)
		}
		for n, v := range attrs {
			full[n] = v
		}
		devs[name] = block.ApplyDefaults(cty.ObjectVal(full))
	}
	cfg := cty.ObjectVal(map[string]cty.Value{"device": cty.MapVal(devs)})
	return p, p.Configure(context.Background(), providers.ConfigureRequest{Config: cfg})
}

func baseDevice(platform string) map[string]cty.Value {
	return map[string]cty.Value{
		"host": cty.StringVal("127.0.0.1"), "platform": cty.StringVal(platform),
		"username": cty.StringVal("admin"), "password": cty.StringVal("pw"),
		"host_key": cty.StringVal("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB3g1ZPCj2LzR0BNBgyPXK+Dn6bMPD7l9ASHkXUZz+y2"),
	}
}

func TestConfigureHostKeyPolicy(t *testing.T) {
	noKey := baseDevice("cisco_iosxe")
	noKey["host_key"] = cty.NullVal(cty.String)
	_, diags := configured(t, map[string]map[string]cty.Value{"sw": noKey})
	if !diags.HasErrors() || !strings.Contains(diags.Err().Error(), "neither host_key nor known_hosts") {
		t.Fatalf("a device without a host key must be refused: %v", diags)
	}

	insecure := baseDevice("cisco_iosxe")
	insecure["host_key"] = cty.NullVal(cty.String)
	insecure["insecure_skip_host_key"] = cty.True
	_, diags = configured(t, map[string]map[string]cty.Value{"sw": insecure})
	if diags.HasErrors() || len(diags) != 1 || diags[0].Severity != providers.Warning || !strings.Contains(diags[0].Detail, "without verifying") {
		t.Fatalf("insecure_skip_host_key must be accepted with a warning: %v", diags)
	}

	noPassword := baseDevice("arista_eos")
	noPassword["password"] = cty.NullVal(cty.String)
	_, diags = configured(t, map[string]map[string]cty.Value{"sw": noPassword})
	if !diags.HasErrors() {
		t.Fatal("a device without credentials must be refused")
	}
}

func planItem(p *Provider, typ string, attrs map[string]cty.Value) providers.PlanResult {
	rs := p.Schema().Resources[typ]
	full := map[string]cty.Value{}
	for n, a := range rs.Attributes {
		full[n] = cty.NullVal(a.Type)
	}
	for n, nb := range rs.BlockTypes {
		full[n] = cty.ListValEmpty(nb.Block.ImpliedType())
	}
	for n, v := range attrs {
		full[n] = v
	}
	cfg := rs.ApplyDefaults(cty.ObjectVal(full))
	resp := p.PlanChanges(context.Background(), providers.PlanRequest{Items: []providers.PlanItem{{
		Type: typ, Prior: cty.NullVal(rs.ImpliedType()), Config: cfg, Proposed: cfg,
	}}})
	return resp.Results[0]
}

func TestPlanNormalises(t *testing.T) {
	p, diags := configured(t, map[string]map[string]cty.Value{"core": baseDevice("cisco_iosxe"), "r": baseDevice("frr")})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	res := planItem(p, "network_interface", map[string]cty.Value{
		"device": cty.StringVal("core"), "name": cty.StringVal("gi1/0/1"), "mode": cty.StringVal("trunk"),
		"trunk_vlans": cty.SetVal([]cty.Value{cty.NumberIntVal(30), cty.NumberIntVal(20)}),
		"native_vlan": cty.NumberIntVal(1),
	})
	if res.Diagnostics.HasErrors() {
		t.Fatal(res.Diagnostics)
	}
	if got := res.Planned.GetAttr("name").AsString(); got != "GigabitEthernet1/0/1" {
		t.Errorf("name = %q, want the full name the device prints", got)
	}
	if got := res.Planned.GetAttr("id").AsString(); got != "core:interface:GigabitEthernet1/0/1" {
		t.Errorf("id = %q", got)
	}
	if !res.Planned.GetAttr("native_vlan").IsNull() {
		t.Error("native VLAN 1 is the default and must plan as unset, as the device does not print it")
	}

	res = planItem(p, "network_static_route", map[string]cty.Value{
		"device": cty.StringVal("core"), "prefix": cty.StringVal("10.1.2.3/16"), "next_hop": cty.StringVal("192.0.2.1"),
	})
	if got := res.Planned.GetAttr("prefix").AsString(); got != "10.1.0.0/16" {
		t.Errorf("prefix = %q, want the network address", got)
	}

	for _, tc := range []struct {
		typ   string
		attrs map[string]cty.Value
		want  string
	}{
		{"network_interface", map[string]cty.Value{"device": cty.StringVal("core"), "name": cty.StringVal("Gi1/0/2"), "access_vlan": cty.NumberIntVal(20), "mode": cty.StringVal("trunk")}, "access ports"},
		{"network_interface", map[string]cty.Value{"device": cty.StringVal("core"), "name": cty.StringVal("Gi1/0/2"), "ipv4_address": cty.StringVal("10.0.0.1/24")}, "routed"},
		{"network_vlan", map[string]cty.Value{"device": cty.StringVal("r"), "vlan_id": cty.NumberIntVal(20)}, "no VLANs"},
		{"network_vlan", map[string]cty.Value{"device": cty.StringVal("nope"), "vlan_id": cty.NumberIntVal(20)}, `no device named "nope"`},
	} {
		res := planItem(p, tc.typ, tc.attrs)
		if !res.Diagnostics.HasErrors() || !strings.Contains(res.Diagnostics.Err().Error(), tc.want) {
			t.Errorf("%s %v: want an error mentioning %q, got %v", tc.typ, tc.attrs, tc.want, res.Diagnostics)
		}
	}
}
