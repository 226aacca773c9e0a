package cli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/internal/lab"
	"github.com/stewardhq/steward/providers"
)

// TestLabUpDirectory: `lab up` starts the directory server by default and
// writes a provider "directory" block that reaches it, with the CA file and
// the lab's password; the network block is as without it.
func TestLabUpDirectory(t *testing.T) {
	f, _, out, _ := testFactory(t)
	f.Environ = []string{"PATH=" + os.Getenv("PATH"), labPasswordEnv + "=dir-pass-123"}
	f.Registry = withDirectoryProvider
	dir := f.WorkDir
	killLabAtCleanup(t, dir)

	up := NewCmdLabUp(f, func(o *LabUpOptions) error {
		o.Executable = stewardBin
		return labUpRun(context.Background(), o)
	})
	if err := runCmd(t, f, up, "--dir", ".", "--devices", "1", "--platforms", "cisco_iosxe"); err != nil {
		t.Fatalf("lab up: %v\n%s", err, out)
	}
	st, err := lab.ReadState(dir)
	if err != nil {
		t.Fatal(err)
	}
	var svc lab.ServiceInfo
	for _, s := range st.Services {
		if s.Kind == lab.KindDirectory {
			svc = s
		}
	}
	if svc.Port == 0 || svc.Attributes["base_dn"] != "dc=example,dc=org" {
		t.Fatalf("no directory in the lab state: %+v", st.Services)
	}
	caFile := filepath.Join(dir, lab.StateDir, lab.DirectoryCAFile)
	for _, want := range []string{"directory", svc.Attributes["url"], "cn=admin,dc=example,dc=org", caFile, lab.ProviderFile} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("lab up output lacks %q:\n%s", want, out)
		}
	}

	src, err := os.ReadFile(filepath.Join(dir, lab.ProviderFile))
	if err != nil {
		t.Fatal(err)
	}
	file, diags := hclsyntax.ParseConfig(src, lab.ProviderFile, hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("%s: %s\n%s", lab.ProviderFile, diags, src)
	}
	if strings.Contains(string(src), "dir-pass-123") {
		t.Error("the provider file holds the password")
	}
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{"var": cty.ObjectVal(map[string]cty.Value{
		lab.UsernameVar: cty.StringVal("admin"), lab.PasswordVar: cty.StringVal("dir-pass-123"),
	})}}
	attrs := map[string]string{}
	providers := map[string]int{}
	for _, b := range file.Body.(*hclsyntax.Body).Blocks {
		if b.Type != "provider" {
			continue
		}
		providers[b.Labels[0]]++
		if b.Labels[0] != "directory" {
			continue
		}
		for name, a := range b.Body.Attributes {
			v, diags := a.Expr.Value(ctx)
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			attrs[name] = v.AsString()
		}
	}
	if providers["network"] != 1 || providers["directory"] != 1 {
		t.Errorf("provider blocks %v:\n%s", providers, src)
	}
	want := map[string]string{"url": svc.Attributes["url"], "bind_dn": "cn=admin,dc=example,dc=org", "password": "dir-pass-123",
		"base_dn": "dc=example,dc=org", "ca_file": caFile}
	for k, v := range want {
		if attrs[k] != v {
			t.Errorf("directory %s = %q, want %q\n%s", k, attrs[k], v, src)
		}
	}
	if !strings.Contains(string(src), "password = var."+lab.PasswordVar) {
		t.Errorf("the password is not the variable:\n%s", src)
	}
	// The network block is what it would be without the directory.
	var devices []lab.ServiceInfo
	for _, s := range st.Services {
		if s.Kind == lab.KindNetworkDevice {
			devices = append(devices, s)
		}
	}
	if !strings.HasPrefix(string(src), strings.TrimSuffix(lab.ProviderHCL(devices), "\n")) {
		t.Errorf("the network part changed:\n%s\nwant it to start with:\n%s", src, lab.ProviderHCL(devices))
	}

	// What the block says reaches the directory: LDAPS verified with the
	// CA file, bound with the lab's password; StartTLS too.
	pem, err := os.ReadFile(attrs["ca_file"])
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("%s holds no certificate", attrs["ca_file"])
	}
	host, _, _ := net.SplitHostPort(strings.TrimPrefix(attrs["url"], "ldaps://"))
	tc := &tls.Config{RootCAs: pool, ServerName: host}
	conn, err := ldap.DialURL(attrs["url"], ldap.DialWithTLSConfig(tc))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.Bind(attrs["bind_dn"], attrs["password"]); err != nil {
		t.Fatalf("bind with the written configuration: %v", err)
	}
	res, err := conn.Search(ldap.NewSearchRequest(attrs["base_dn"], ldap.ScopeSingleLevel, ldap.NeverDerefAliases, 0, 0, false, "(objectClass=organizationalUnit)", []string{"ou"}, nil))
	if err != nil || len(res.Entries) != 4 {
		t.Errorf("the organizational units: %v %v", err, res)
	}
	plain, err := ldap.DialURL(svc.Attributes["start_tls_url"])
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	if err := plain.StartTLS(tc); err != nil {
		t.Errorf("StartTLS: %v", err)
	}

	out.Reset()
	if err := runCmd(t, f, NewCmdLabStatus(f, nil), "--dir", dir); err != nil {
		t.Fatalf("lab status: %v", err)
	}
	if got := out.String(); strings.Count(got, " up\n") != 2 || !strings.Contains(got, "directory") {
		t.Errorf("lab status:\n%s", got)
	}
	if err := runCmd(t, f, NewCmdLabDown(f, nil), "--dir", dir); err != nil {
		t.Fatalf("lab down: %v", err)
	}
	if c, err := net.DialTimeout("tcp", svc.Address(), time.Second); err == nil {
		c.Close()
		t.Error("the directory still answers after lab down")
	}
}

// withDirectoryProvider is the default registry with a "directory"
// provider, whether or not this steward has one yet.
func withDirectoryProvider() *providers.Registry {
	m := map[string]providers.Factory{"directory": nil}
	reg := DefaultRegistry()
	for _, n := range reg.Names() {
		m[n] = func() (providers.Provider, error) { return reg.New(n) }
	}
	return providers.NewRegistry(m)
}

// TestLabUpDirectoryWithoutProvider: a steward without the directory
// provider runs the server but writes no block it could not load.
func TestLabUpDirectoryWithoutProvider(t *testing.T) {
	f, _, out, _ := testFactory(t)
	f.Environ = []string{"PATH=" + os.Getenv("PATH")}
	f.Registry = func() *providers.Registry {
		return providers.NewRegistry(map[string]providers.Factory{"network": nil})
	}
	dir := f.WorkDir
	killLabAtCleanup(t, dir)
	up := NewCmdLabUp(f, func(o *LabUpOptions) error {
		o.Executable = stewardBin
		return labUpRun(context.Background(), o)
	})
	if err := runCmd(t, f, up, "--dir", ".", "--devices", "1"); err != nil {
		t.Fatalf("lab up: %v\n%s", err, out)
	}
	defer runCmd(t, f, NewCmdLabDown(f, nil), "--dir", dir)
	src, err := os.ReadFile(filepath.Join(dir, lab.ProviderFile))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(src), `provider "directory"`) || !strings.Contains(out.String(), "no directory provider") {
		t.Errorf("output:\n%s\nfile:\n%s", out, src)
	}
}

// TestLabUpDirectoryFlags: the directory is on unless --directory=false.
func TestLabUpDirectoryFlags(t *testing.T) {
	f, _, _, _ := testFactory(t)
	var got *LabUpOptions
	cmd := NewCmdLabUp(f, func(o *LabUpOptions) error { got = o; return nil })
	if err := runCmd(t, f, cmd); err != nil || !got.Directory {
		t.Errorf("directory is not on by default: %v %+v", err, got)
	}
	cmd = NewCmdLabUp(f, func(o *LabUpOptions) error { got = o; return nil })
	if err := runCmd(t, f, cmd, "-directory=false"); err != nil || got.Directory {
		t.Errorf("-directory=false: %v %+v", err, got)
	}
}
