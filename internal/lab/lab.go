package lab

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/stewardhq/steward/internal/lab/directory"
)

// Files the lab writes into the working directory it serves.
const (
	// ProviderFile holds the provider "network" block for the lab's devices
	// and the provider "directory" block for its directory server.
	ProviderFile = "providers.st.hcl"
	// VarsFile holds the lab's credentials; steward loads it automatically.
	VarsFile = "lab.auto.vars.hcl"
	// UsernameVar and PasswordVar are the variables the provider block uses.
	UsernameVar = "lab_username"
	PasswordVar = "lab_password"
	// DirectoryCAFile, in StateDir, is the CA certificate of the lab's
	// directory server, which the provider "directory" block names as
	// ca_file.
	DirectoryCAFile = "directory-ca.pem"
)

// Service kinds in ServiceInfo.Kind.
const (
	KindNetworkDevice = "network_device"
	// KindDirectory is the lab's LDAP directory server. Its ServiceInfo
	// Port is the LDAPS port; Attributes hold url (ldaps://),
	// start_tls_url (ldap://, for StartTLS), base_dn, bind_dn and ca_pem,
	// and ca_file once WriteConfig has written the CA.
	KindDirectory = "directory"
)

// Service is something a lab runs and tears down: a simulated network
// device or the lab's directory server.
type Service interface {
	Info() ServiceInfo
	Close() error
}

// ServiceInfo is what a client needs to reach a service. It is also the
// unit of the state file, so that `steward lab status` and `down` know
// every kind of service without knowing how it is implemented.
type ServiceInfo struct {
	Kind     string `json:"kind"`
	Name     string `json:"name"`
	Host     string `json:"host"`
	Port     int    `json:"port"`
	Platform string `json:"platform,omitempty"`
	// HostKey is the SSH host key in authorized_keys format.
	HostKey string `json:"host_key,omitempty"`
	// Attributes carry what other kinds of service need (a directory's
	// base DN, say) without changing the format.
	Attributes map[string]string `json:"attributes,omitempty"`
}

// Address is host:port.
func (s ServiceInfo) Address() string { return s.Host + ":" + strconv.Itoa(s.Port) }

// Info describes the device as a lab service.
func (d *Device) Info() ServiceInfo {
	return ServiceInfo{Kind: KindNetworkDevice, Name: d.Name(), Host: d.Host(), Port: d.Port(), Platform: d.Platform(), HostKey: d.AuthorizedKey()}
}

// Options configures a lab.
type Options struct {
	// Devices to start; DefaultDevices() when empty.
	Devices []DeviceSpec
	// Username and Password are the credentials of every device that does
	// not set its own. The username defaults to "admin", the password to a
	// random one.
	Username, Password string
	// Latency is the per-command latency of devices that do not set their
	// own.
	Latency time.Duration
	// Directory also starts the lab's LDAP directory server (`steward lab
	// up` does): dc=example,dc=org, administrator cn=admin,dc=example,dc=org
	// with the lab's password, configured like the project's test slapd
	// (memberof-refint, no size limit). DirectoryPort is its LDAPS port and
	// DirectoryPort+1 its plain LDAP (StartTLS) port; free ports when 0.
	Directory     bool
	DirectoryPort int
}

// DefaultDevices is the standard lab: a Cisco IOS-XE core switch and an
// Arista EOS access switch.
func DefaultDevices() []DeviceSpec {
	return []DeviceSpec{
		{Name: "core-1", Platform: PlatformIOSXE},
		{Name: "access-1", Platform: PlatformEOS},
	}
}

// GenerateDevices returns n devices whose platforms cycle through
// platforms, named by role: core-N (IOS-XE), access-N (EOS), leaf-N
// (NX-OS). Ports, when firstPort is not 0, are consecutive from it.
func GenerateDevices(n int, platforms []string, firstPort int) ([]DeviceSpec, error) {
	if len(platforms) == 0 {
		platforms = []string{PlatformIOSXE, PlatformEOS}
	}
	role := map[string]string{PlatformIOSXE: "core", PlatformEOS: "access", PlatformNXOS: "leaf"}
	count := map[string]int{}
	var out []DeviceSpec
	for i := 0; i < n; i++ {
		p := platforms[i%len(platforms)]
		if _, ok := role[p]; !ok {
			return nil, fmt.Errorf("unknown platform %q (want one of %s)", p, strings.Join(Platforms(), ", "))
		}
		count[p]++
		spec := DeviceSpec{Name: role[p] + "-" + strconv.Itoa(count[p]), Platform: p}
		if firstPort != 0 {
			spec.Port = firstPort + i
		}
		out = append(out, spec)
	}
	return out, nil
}

// Lab is a set of services started together.
type Lab struct {
	username, password string
	devices            []*Device
	services           []Service
	directory          *directory.Server
	caFile             string // where WriteConfig wrote the directory's CA
}

// directoryService is the directory server as a lab service.
type directoryService struct{ *directory.Server }

// Info describes the directory server as a lab service.
func (d directoryService) Info() ServiceInfo {
	return ServiceInfo{Kind: KindDirectory, Name: "directory", Host: d.Host(), Port: d.TLSPort(), Attributes: map[string]string{
		"url":           d.URL(),
		"start_tls_url": d.StartTLSURL(),
		"base_dn":       d.BaseDN(),
		"bind_dn":       d.RootDN(),
		"ca_pem":        string(d.CAPEM()),
	}}
}

// Start starts the lab's devices, each on its own port of 127.0.0.1. It
// returns once every device accepts connections; on error nothing is left
// running.
func Start(ctx context.Context, opts Options) (*Lab, error) {
	specs := opts.Devices
	if len(specs) == 0 {
		specs = DefaultDevices()
	}
	l := &Lab{username: opts.Username, password: opts.Password}
	if l.username == "" {
		l.username = "admin"
	}
	if l.password == "" {
		p, err := RandomPassword()
		if err != nil {
			return nil, err
		}
		l.password = p
	}
	seen := map[string]bool{}
	for _, spec := range specs {
		if seen[spec.Name] {
			l.Stop()
			return nil, fmt.Errorf("lab: two devices are named %q", spec.Name)
		}
		seen[spec.Name] = true
		if spec.Username == "" {
			spec.Username = l.username
		}
		if spec.Password == "" {
			spec.Password = l.password
		}
		if spec.Latency == 0 {
			spec.Latency = opts.Latency
		}
		d, err := NewDevice(spec)
		if err == nil {
			err = d.Start(ctx)
		}
		if err != nil {
			l.Stop()
			return nil, err
		}
		l.devices = append(l.devices, d)
		l.services = append(l.services, d)
	}
	if opts.Directory {
		// As the project's test slapd (internal/testenv/slapd) is
		// configured: memberof-refint on, no size limits.
		cfg := directory.Config{RootPassword: l.password, MemberOfRefInt: true, SizeLimit: -1}
		if opts.DirectoryPort != 0 {
			cfg.TLSPort, cfg.Port = opts.DirectoryPort, opts.DirectoryPort+1
		}
		srv, err := directory.Start(cfg)
		if err != nil {
			l.Stop()
			return nil, fmt.Errorf("lab: starting the directory server: %w", err)
		}
		l.directory = srv
		l.services = append(l.services, directoryService{srv})
	}
	return l, nil
}

// Stop stops every service.
func (l *Lab) Stop() error {
	var errs []error
	for _, s := range l.services {
		if err := s.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Devices returns the lab's network devices in the order they were given.
func (l *Lab) Devices() []*Device { return l.devices }

// Device returns the device called name, or nil.
func (l *Lab) Device(name string) *Device {
	for _, d := range l.devices {
		if d.Name() == name {
			return d
		}
	}
	return nil
}

// Directory returns the lab's directory server, or nil when
// Options.Directory was not set.
func (l *Lab) Directory() *directory.Server { return l.directory }

// Username and Password are the lab's default credentials.
func (l *Lab) Username() string { return l.username }

// Password is the lab's default password.
func (l *Lab) Password() string { return l.password }

// Services describes every service of the lab.
func (l *Lab) Services() []ServiceInfo {
	out := make([]ServiceInfo, len(l.services))
	for i, s := range l.services {
		out[i] = s.Info()
		if out[i].Kind == KindDirectory && l.caFile != "" {
			out[i].Attributes["ca_file"] = l.caFile
		}
	}
	return out
}

// ProviderHCL is the configuration that points steward's network provider
// at the lab's devices, and its directory provider at the directory server
// (see the package-level ProviderHCL). The directory block names its CA
// file once WriteConfig has written it.
func (l *Lab) ProviderHCL() string { return ProviderHCL(l.Services()) }

// VarsHCL is the variable file with the lab's credentials.
func (l *Lab) VarsHCL() string { return VarsHCL(l.username, l.password) }

// KnownHosts is a known_hosts file for the lab's devices.
func (l *Lab) KnownHosts() string { return KnownHosts(l.Services()) }

// WriteConfig writes ProviderFile and VarsFile (readable by the owner
// only) into dir.
func (l *Lab) WriteConfig(dir string) error {
	if err := WriteConfig(dir, l.Services(), l.username, l.password); err != nil {
		return err
	}
	if l.directory != nil {
		abs, err := filepath.Abs(filepath.Join(dir, StateDir, DirectoryCAFile))
		if err != nil {
			return err
		}
		l.caFile = abs
	}
	return nil
}

// ProviderHCL returns the variable declarations and the provider "network"
// block that reach the network devices among services. Credentials are
// variables (var.lab_username, var.lab_password) whose values VarsHCL
// holds, never literals; host keys are pinned, so verification stays on.
// A directory service among services adds a provider "directory" block
// (LDAPS, the rootdn and var.lab_password, and ca_file when the service's
// attributes have it, as WriteConfig sets); the network part is the same
// with or without it.
func ProviderHCL(services []ServiceInfo) string {
	var b strings.Builder
	b.WriteString(`# Written by "steward lab up": the simulated devices of the lab running in this
# directory. "steward lab up" rewrites this file with the devices' new ports
# and host keys; "steward lab down" stops them. The credentials are in
# ` + VarsFile + `.

variable "` + UsernameVar + `" {
  type = string
}

variable "` + PasswordVar + `" {
  type = string
  sensitive = true
}

provider "network" {
`)
	first := true
	for _, s := range services {
		if s.Kind != KindNetworkDevice {
			continue
		}
		if !first {
			b.WriteString("\n")
		}
		first = false
		fmt.Fprintf(&b, "  device %q {\n", s.Name)
		fmt.Fprintf(&b, "    host = %q\n", s.Host)
		fmt.Fprintf(&b, "    port = %d\n", s.Port)
		fmt.Fprintf(&b, "    platform = %q\n", s.Platform)
		fmt.Fprintf(&b, "    username = var.%s\n", UsernameVar)
		fmt.Fprintf(&b, "    password = var.%s\n", PasswordVar)
		fmt.Fprintf(&b, "    host_key = %q\n", s.HostKey)
		b.WriteString("  }\n")
	}
	b.WriteString("}\n")
	for _, s := range services {
		if s.Kind != KindDirectory {
			continue
		}
		// One directory: a second provider "directory" block would be an error.
		fmt.Fprintf(&b, "\n# The lab's LDAP directory; its administrator's password is var.%s.\n", PasswordVar)
		b.WriteString("provider \"directory\" {\n")
		fmt.Fprintf(&b, "  url = %q\n", s.Attributes["url"])
		fmt.Fprintf(&b, "  bind_dn = %q\n", s.Attributes["bind_dn"])
		fmt.Fprintf(&b, "  password = var.%s\n", PasswordVar)
		fmt.Fprintf(&b, "  base_dn = %q\n", s.Attributes["base_dn"])
		if ca := s.Attributes["ca_file"]; ca != "" {
			fmt.Fprintf(&b, "  ca_file = %q\n", ca)
		}
		b.WriteString("}\n")
		break
	}
	return string(hclwrite.Format([]byte(b.String())))
}

// VarsHCL returns the variable file with the lab's credentials.
func VarsHCL(username, password string) string {
	return string(hclwrite.Format([]byte(fmt.Sprintf(`# Written by "steward lab up": the login of the lab's simulated devices.
%s = %q
%s = %q
`, UsernameVar, username, PasswordVar, password))))
}

// KnownHosts returns known_hosts lines for the network devices among
// services, for SSH clients that want a file rather than a pinned key.
func KnownHosts(services []ServiceInfo) string {
	var b strings.Builder
	for _, s := range services {
		if s.Kind == KindNetworkDevice && s.HostKey != "" {
			fmt.Fprintf(&b, "[%s]:%d %s\n", s.Host, s.Port, s.HostKey)
		}
	}
	return b.String()
}

// WriteConfig writes ProviderFile and VarsFile into dir, and the CA
// certificate of a directory service into dir/StateDir/DirectoryCAFile,
// which the provider "directory" block names by its absolute path.
func WriteConfig(dir string, services []ServiceInfo, username, password string) error {
	services, err := writeDirectoryCA(dir, services)
	if err != nil {
		return err
	}
	if err := writeFileAtomic(filepath.Join(dir, VarsFile), []byte(VarsHCL(username, password)), 0o600); err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, ProviderFile), []byte(ProviderHCL(services)), 0o644)
}

// writeDirectoryCA writes the CA of the directory among services and
// returns the services with its ca_file set (the caller's are unchanged).
func writeDirectoryCA(dir string, services []ServiceInfo) ([]ServiceInfo, error) {
	out := make([]ServiceInfo, len(services))
	copy(out, services)
	for i, s := range out {
		if s.Kind != KindDirectory || s.Attributes["ca_pem"] == "" {
			continue
		}
		path, err := filepath.Abs(filepath.Join(dir, StateDir, DirectoryCAFile))
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, err
		}
		if err := writeFileAtomic(path, []byte(s.Attributes["ca_pem"]), 0o644); err != nil {
			return nil, err
		}
		attrs := make(map[string]string, len(s.Attributes)+1)
		for k, v := range s.Attributes {
			attrs[k] = v
		}
		attrs["ca_file"] = path
		out[i].Attributes = attrs
	}
	return out, nil
}

// RandomPassword returns a password for a lab: 24 hexadecimal digits, which
// survive any quoting.
func RandomPassword() (string, error) {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}

// writeFileAtomic writes a file so that readers never see half of it.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
