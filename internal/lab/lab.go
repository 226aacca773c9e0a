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
)

// Files the lab writes into the working directory it serves.
const (
	// ProviderFile holds the provider "network" block for the lab's devices.
	ProviderFile = "providers.st.hcl"
	// VarsFile holds the lab's credentials; steward loads it automatically.
	VarsFile = "lab.auto.vars.hcl"
	// UsernameVar and PasswordVar are the variables the provider block uses.
	UsernameVar = "lab_username"
	PasswordVar = "lab_password"
)

// Service kinds in ServiceInfo.Kind.
const (
	KindNetworkDevice = "network_device"
)

// Service is something a lab runs and tears down: a simulated network
// device today; the lab's directory server will be another.
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

// Username and Password are the lab's default credentials.
func (l *Lab) Username() string { return l.username }

// Password is the lab's default password.
func (l *Lab) Password() string { return l.password }

// Services describes every service of the lab.
func (l *Lab) Services() []ServiceInfo {
	out := make([]ServiceInfo, len(l.services))
	for i, s := range l.services {
		out[i] = s.Info()
	}
	return out
}

// ProviderHCL is the configuration that points steward's network provider
// at the lab's devices (see the package-level ProviderHCL).
func (l *Lab) ProviderHCL() string { return ProviderHCL(l.Services()) }

// VarsHCL is the variable file with the lab's credentials.
func (l *Lab) VarsHCL() string { return VarsHCL(l.username, l.password) }

// KnownHosts is a known_hosts file for the lab's devices.
func (l *Lab) KnownHosts() string { return KnownHosts(l.Services()) }

// WriteConfig writes ProviderFile and VarsFile (readable by the owner
// only) into dir.
func (l *Lab) WriteConfig(dir string) error {
	return WriteConfig(dir, l.Services(), l.username, l.password)
}

// ProviderHCL returns the variable declarations and the provider "network"
// block that reach the network devices among services. Credentials are
// variables (var.lab_username, var.lab_password) whose values VarsHCL
// holds, never literals; host keys are pinned, so verification stays on.
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

// WriteConfig writes ProviderFile and VarsFile into dir.
func WriteConfig(dir string, services []ServiceInfo, username, password string) error {
	if err := writeFileAtomic(filepath.Join(dir, VarsFile), []byte(VarsHCL(username, password)), 0o600); err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, ProviderFile), []byte(ProviderHCL(services)), 0o644)
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
