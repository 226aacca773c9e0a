package lab

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

func TestLabStartAndProviderHCL(t *testing.T) {
	l, err := Start(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Stop()
	if len(l.Devices()) != 2 || l.Device("core-1").Platform() != PlatformIOSXE || l.Device("access-1").Platform() != PlatformEOS {
		t.Fatalf("default lab: %v", l.Services())
	}
	if len(l.Password()) != 24 || l.Username() != "admin" {
		t.Errorf("credentials %q/%q", l.Username(), l.Password())
	}

	src := l.ProviderHCL()
	f, diags := hclsyntax.ParseConfig([]byte(src), ProviderFile, hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("ProviderHCL is not valid HCL: %s\n%s", diags, src)
	}
	if strings.Contains(src, l.Password()) {
		t.Error("the provider file contains the password")
	}
	body := f.Body.(*hclsyntax.Body)
	var devices []*hclsyntax.Block
	vars := map[string]bool{}
	for _, b := range body.Blocks {
		switch b.Type {
		case "variable":
			vars[b.Labels[0]] = true
		case "provider":
			if b.Labels[0] != "network" {
				t.Errorf("provider %q", b.Labels[0])
			}
			devices = append(devices, b.Body.Blocks...)
		}
	}
	if !vars[UsernameVar] || !vars[PasswordVar] {
		t.Errorf("variables not declared: %v", vars)
	}
	if len(devices) != 2 {
		t.Fatalf("%d device blocks:\n%s", len(devices), src)
	}
	for _, b := range devices {
		d := l.Device(b.Labels[0])
		attrs := map[string]cty.Value{}
		for name, a := range b.Body.Attributes {
			v, diags := a.Expr.Value(&hcl.EvalContext{Variables: map[string]cty.Value{"var": cty.ObjectVal(map[string]cty.Value{
				UsernameVar: cty.StringVal("u"), PasswordVar: cty.StringVal("p"),
			})}})
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			attrs[name] = v
		}
		if attrs["host"].AsString() != "127.0.0.1" || attrs["platform"].AsString() != d.Platform() || attrs["host_key"].AsString() != d.AuthorizedKey() {
			t.Errorf("device %s: %v", d.Name(), attrs)
		}
		if p, _ := attrs["port"].AsBigFloat().Int64(); int(p) != d.Port() {
			t.Errorf("device %s: port %v, want %d", d.Name(), attrs["port"], d.Port())
		}
	}

	vf, diags := hclsyntax.ParseConfig([]byte(l.VarsHCL()), VarsFile, hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	va, _ := vf.Body.JustAttributes()
	if v, _ := va[PasswordVar].Expr.Value(nil); v.AsString() != l.Password() {
		t.Errorf("vars file password %v", v)
	}

	dir := t.TempDir()
	if err := l.WriteConfig(dir); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(dir, VarsFile)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("vars file mode: %v %v", fi, err)
	}

	// The devices keep their configuration across connections.
	drv := scrapli(t, l.Device("access-1"))
	if _, err := drv.SendConfigs([]string{"vlan 300", "name kept"}); err != nil {
		t.Fatal(err)
	}
	drv2 := scrapli(t, l.Device("access-1"))
	if r, _ := drv2.SendCommand("show vlan brief"); !strings.Contains(r.Result, "kept") {
		t.Errorf("configuration lost between connections:\n%s", r.Result)
	}
}

func TestStateRoundTrip(t *testing.T) {
	dir := t.TempDir()
	if _, err := ReadState(dir); err != ErrNoLab {
		t.Fatalf("no state: %v", err)
	}
	st := State{PID: 42, Username: "admin", Services: []ServiceInfo{{Kind: KindNetworkDevice, Name: "core-1", Host: "127.0.0.1", Port: 2222, Platform: PlatformIOSXE, HostKey: "ssh-ed25519 AAAA"}}}
	if err := WriteState(dir, st); err != nil {
		t.Fatal(err)
	}
	got, err := ReadState(dir)
	if err != nil || got.PID != 42 || got.Services[0].Address() != "127.0.0.1:2222" || got.Version != StateVersion {
		t.Fatalf("read back %+v, %v", got, err)
	}
	if fi, _ := os.Stat(StatePath(dir)); fi.Mode().Perm() != 0o600 {
		t.Errorf("state file mode %v", fi.Mode())
	}
	_ = RemoveState(dir, 7) // someone else's: kept
	if _, err := ReadState(dir); err != nil {
		t.Error("RemoveState removed another process's state")
	}
	_ = RemoveState(dir, 42)
	if _, err := ReadState(dir); err != ErrNoLab {
		t.Error("RemoveState kept its own state")
	}
}

func TestGenerateDevices(t *testing.T) {
	specs, err := GenerateDevices(5, []string{PlatformIOSXE, PlatformEOS, PlatformNXOS}, 4000)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range specs {
		got = append(got, s.Name+"@"+itoa(s.Port))
	}
	if want := "core-1@4000 access-1@4001 leaf-1@4002 core-2@4003 access-2@4004"; strings.Join(got, " ") != want {
		t.Errorf("got %v, want %s", got, want)
	}
	if _, err := GenerateDevices(1, []string{"junos"}, 0); err == nil {
		t.Error("unknown platform accepted")
	}
}
