package addrs

import "testing"

func TestParseTargetRoundTrip(t *testing.T) {
	cases := []string{
		`steward_data.a`,
		`steward_data.a[3]`,
		`steward_data.a["x y"]`,
		`data.steward_data.a`,
		`module.site`,
		`module.site["north"]`,
		`module.site["north"].steward_data.vlan[1]`,
		`module.a[0].module.b.network_vlan.v`,
	}
	for _, s := range cases {
		tg, err := ParseTarget(s)
		if err != nil {
			t.Fatalf("%s: %s", s, err)
		}
		if got := tg.String(); got != s {
			t.Errorf("round trip: %s -> %s", s, got)
		}
	}
	for _, bad := range []string{``, `steward_data`, `module`, `steward_data.a[1.5]`, `steward_data.a[1].b`, `a.b[-1]`, `"x"`} {
		if _, err := ParseTarget(bad); err == nil {
			t.Errorf("%q: expected an error", bad)
		}
	}
}

func TestTargetContains(t *testing.T) {
	inst, err := ParseAbsResourceInstance(`module.site["north"].steward_data.vlan[1]`)
	if err != nil {
		t.Fatal(err)
	}
	for s, want := range map[string]bool{
		`module.site["north"]`:                      true,
		`module.site["south"]`:                      false,
		`module.site["north"].steward_data.vlan`:    true,
		`module.site["north"].steward_data.vlan[1]`: true,
		`module.site["north"].steward_data.vlan[2]`: false,
		`steward_data.vlan`:                         false,
	} {
		tg, err := ParseTarget(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := tg.Contains(inst); got != want {
			t.Errorf("%s contains %s = %v, want %v", s, inst, got, want)
		}
	}
}

func TestModuleInstancePaths(t *testing.T) {
	mi := RootModuleInstance.Child("a", IntKey(0)).Child("b", StringKey("x"))
	if mi.String() != `module.a[0].module.b["x"]` {
		t.Fatalf("got %s", mi)
	}
	if mi.Module() != Module(`module.a.module.b`) {
		t.Fatalf("module path %s", mi.Module())
	}
	parent, step := mi.Parent()
	if parent.String() != `module.a[0]` || step.Name != "b" || step.Key != StringKey("x") {
		t.Fatalf("parent %s step %+v", parent, step)
	}
	if !IntKey(2).Less(IntKey(10)) || !NoKey.Less(IntKey(0)) || !IntKey(5).Less(StringKey("a")) {
		t.Fatal("key order")
	}
}
