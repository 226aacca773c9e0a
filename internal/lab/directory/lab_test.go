package directory_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/stewardhq/steward/internal/lab"
)

// TestLabDirectoryService: a lab started with Directory runs the server as
// a service and writes a provider "directory" block for it next to the
// unchanged network block.
func TestLabDirectoryService(t *testing.T) {
	l, err := lab.Start(context.Background(), lab.Options{Devices: []lab.DeviceSpec{{Name: "core-1", Platform: lab.PlatformIOSXE}}, Directory: true, Password: "lab-pw"})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Stop()
	srv := l.Directory()
	if srv == nil || !srv.Running() {
		t.Fatal("no directory server")
	}
	var info lab.ServiceInfo
	var devices []lab.ServiceInfo
	for _, s := range l.Services() {
		switch s.Kind {
		case lab.KindDirectory:
			info = s
		case lab.KindNetworkDevice:
			devices = append(devices, s)
		}
	}
	if info.Port != srv.TLSPort() || info.Attributes["url"] != srv.URL() || info.Attributes["bind_dn"] != admin || info.Attributes["base_dn"] != base ||
		!strings.Contains(info.Attributes["ca_pem"], "BEGIN CERTIFICATE") || info.Attributes["start_tls_url"] != srv.StartTLSURL() {
		t.Errorf("service info %+v", info)
	}

	network := lab.ProviderHCL(devices)
	src := l.ProviderHCL()
	if !strings.HasPrefix(src, network) {
		t.Errorf("the network block changed:\n%s", src)
	}
	if strings.Contains(src, "ca_file") {
		t.Errorf("ca_file before the CA is written:\n%s", src)
	}
	dir := t.TempDir()
	if err := l.WriteConfig(dir); err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(dir, lab.StateDir, lab.DirectoryCAFile)
	written, err := os.ReadFile(filepath.Join(dir, lab.ProviderFile))
	if err != nil {
		t.Fatal(err)
	}
	want := `
# The lab's LDAP directory; its administrator's password is var.lab_password.
provider "directory" {
  url      = "` + srv.URL() + `"
  bind_dn  = "cn=admin,dc=example,dc=org"
  password = var.lab_password
  base_dn  = "dc=example,dc=org"
  ca_file  = "` + caFile + `"
}
`
	if string(written) != network+want || l.ProviderHCL() != network+want {
		t.Errorf("provider file:\n%s\nwant:\n%s", written, network+want)
	}
	if _, diags := hclsyntax.ParseConfig(written, lab.ProviderFile, hcl.InitialPos); diags.HasErrors() {
		t.Fatal(diags)
	}

	// The CA file verifies the server, the lab password binds.
	pem, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	c, err := ldap.DialURL(srv.URL(), ldap.DialWithTLSConfig(&tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Bind(admin, "lab-pw"); err != nil {
		t.Fatal(err)
	}
	// Configured like the project's test slapd: memberof-refint.
	alice := addUser(t, c, "alice")
	g := addGroup(t, c, "staff", alice)
	if err := c.ModifyDN(ldap.NewModifyDNRequest(alice, "uid=alice", true, disabled)); err != nil {
		t.Fatal(err)
	}
	if got := srv.Entry(g)["member"]; len(got) != 1 || got[0] != "uid=alice,"+disabled {
		t.Errorf("refint: member %v", got)
	}

	// Stopping the lab stops the directory.
	if err := l.Stop(); err != nil {
		t.Fatal(err)
	}
	if srv.Running() {
		t.Error("the directory runs after the lab stopped")
	}
}
