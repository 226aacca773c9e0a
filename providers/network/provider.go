package network

import (
	"context"
	"fmt"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/providers"
	"github.com/stewardhq/steward/providers/network/netconfig"
	"github.com/stewardhq/steward/providers/network/platform"
	"github.com/stewardhq/steward/providers/network/session"
	"github.com/stewardhq/steward/schema"
)

// Name is the provider's name.
const Name = "network"

// maxParallelDevices bounds how many devices are talked to at once.
const maxParallelDevices = 32

// device is one configured device.
type device struct {
	name       string
	target     session.Target
	platform   netconfig.Platform
	saveConfig bool
	// mu gives the device one session at a time.
	mu sync.Mutex
}

// Provider implements providers.Provider for network devices.
type Provider struct {
	schema  *schema.Provider
	devices map[string]*device
	tmpDir  string
	// open connects to a device; tests replace it to count sessions.
	open func(ctx context.Context, d *device) (deviceSession, error)
}

// deviceSession is what the provider needs from a session.
type deviceSession interface {
	Command(ctx context.Context, cmd string) (string, error)
	Configure(ctx context.Context, lines []string) (*session.ConfigResult, error)
	ConfigureAtomic(ctx context.Context, name string, lines []string) (*session.ConfigResult, error)
	Close() error
}

var _ providers.Provider = (*Provider)(nil)

// New returns an unconfigured network provider.
func New() (providers.Provider, error) {
	p := &Provider{schema: providerSchema(), devices: map[string]*device{}}
	p.open = func(ctx context.Context, d *device) (deviceSession, error) {
		return session.Open(ctx, d.target, d.platform.ErrorMarkers())
	}
	return p, nil
}

// Schema implements providers.Provider.
func (p *Provider) Schema() *schema.Provider { return p.schema }

// Configure implements providers.Provider.
func (p *Provider) Configure(_ context.Context, req providers.ConfigureRequest) providers.Diagnostics {
	var diags providers.Diagnostics
	devs := req.Config.GetAttr("device")
	if devs.IsNull() || devs.LengthInt() == 0 {
		return nil
	}
	dir, err := os.MkdirTemp("", "steward-network-")
	if err != nil {
		return providers.Diagnostics{providers.FromError("Cannot prepare host keys", err)}
	}
	p.tmpDir = dir
	for it := devs.ElementIterator(); it.Next(); {
		k, v := it.Element()
		name := k.AsString()
		path := cty.GetAttrPath("device").Index(k)
		plat, err := platform.Lookup(str(v.GetAttr("platform")))
		if err != nil {
			diags = append(diags, providers.Errorf(path.GetAttr("platform"), "Unknown platform", "%s", err))
			continue
		}
		timeout, err := time.ParseDuration(str(v.GetAttr("timeout")))
		if err != nil || timeout <= 0 {
			diags = append(diags, providers.Errorf(path.GetAttr("timeout"), "Invalid timeout", "device %q: %q is not a duration such as 30s", name, str(v.GetAttr("timeout"))))
			continue
		}
		t := session.Target{
			Name: name, Host: str(v.GetAttr("host")), Port: num(v.GetAttr("port")), Platform: plat.Name(),
			Username: str(v.GetAttr("username")), Password: str(v.GetAttr("password")),
			PrivateKeyFile: str(v.GetAttr("private_key_file")), KnownHostsFile: str(v.GetAttr("known_hosts")),
			InsecureSkipHostKey: v.GetAttr("insecure_skip_host_key").True(), Timeout: timeout,
		}
		if t.Password == "" && t.PrivateKeyFile == "" {
			diags = append(diags, providers.Errorf(path, "Missing credentials", "device %q needs a password or a private_key_file", name))
			continue
		}
		if hk := str(v.GetAttr("host_key")); hk != "" {
			kh, err := session.WriteKnownHosts(dir, t.Host, t.Port, hk)
			if err != nil {
				diags = append(diags, providers.Errorf(path.GetAttr("host_key"), "Invalid host key", "device %q: %s", name, err))
				continue
			}
			t.KnownHostsFile = kh
		}
		if t.InsecureSkipHostKey {
			diags = append(diags, providers.Warnf(path.GetAttr("insecure_skip_host_key"), "Host key verification disabled",
				"device %q is reached without verifying its SSH host key: anyone who can intercept the connection can impersonate it and read its credentials. Set host_key or known_hosts instead.", name))
		} else if t.KnownHostsFile == "" {
			diags = append(diags, providers.Errorf(path, "No host key", "device %q has neither host_key nor known_hosts, so its identity cannot be verified. Add the device's public host key, or knowingly set insecure_skip_host_key = true.", name))
			continue
		}
		p.devices[name] = &device{name: name, target: t, platform: plat, saveConfig: v.GetAttr("save_config").True()}
	}
	return diags
}

func (p *Provider) device(name string) (*device, error) {
	d, ok := p.devices[name]
	if !ok {
		names := make([]string, 0, len(p.devices))
		for n := range p.devices {
			names = append(names, n)
		}
		sort.Strings(names)
		return nil, fmt.Errorf("no device named %q is configured in the network provider (configured: %v)", name, names)
	}
	return d, nil
}

// forDevices runs fn for every device concurrently, bounded.
func forDevices(names []string, fn func(name string)) {
	sem := make(chan struct{}, maxParallelDevices)
	var wg sync.WaitGroup
	for _, n := range names {
		wg.Add(1)
		sem <- struct{}{}
		go func(n string) {
			defer wg.Done()
			defer func() { <-sem }()
			fn(n)
		}(n)
	}
	wg.Wait()
}

// readConfig reads and parses a device's running configuration.
func (p *Provider) readConfig(ctx context.Context, s deviceSession, d *device) (*netconfig.Config, error) {
	text, err := s.Command(ctx, "show running-config")
	if err != nil {
		return nil, err
	}
	c, err := d.platform.ParseRunningConfig(text)
	if err != nil {
		return nil, fmt.Errorf("device %s: reading its running configuration: %w", d.name, err)
	}
	return c, nil
}

// Discover implements providers.Provider: one session and one
// `show running-config` per device, whatever the number of objects.
func (p *Provider) Discover(ctx context.Context, req providers.DiscoverRequest) providers.DiscoverResponse {
	res := make([]providers.DiscoverResult, len(req.Items))
	byDevice := map[string][]int{}
	for i, it := range req.Items {
		name := str(it.Prior.GetAttr("device"))
		byDevice[name] = append(byDevice[name], i)
	}
	var names []string
	for n := range byDevice {
		names = append(names, n)
	}
	sort.Strings(names)
	forDevices(names, func(name string) {
		idx := byDevice[name]
		fail := func(err error) {
			for _, i := range idx {
				res[i].Current = req.Items[i].Prior
				res[i].Diagnostics = providers.Diagnostics{providers.FromError("Cannot read device", err)}
			}
		}
		d, err := p.device(name)
		if err != nil {
			fail(err)
			return
		}
		d.mu.Lock()
		defer d.mu.Unlock()
		s, err := p.open(ctx, d)
		if err != nil {
			fail(err)
			return
		}
		defer s.Close()
		c, err := p.readConfig(ctx, s, d)
		if err != nil {
			fail(err)
			return
		}
		for _, i := range idx {
			it := req.Items[i]
			kind := kindOfType[it.Type]
			v, ok := lookup(name, kind, keyOf(kind, it.Prior), c)
			if !ok && kind == kindInterface {
				// A port cannot disappear: unconfigured, it is at its defaults.
				v, ok = interfaceValue(name, d.platform.DefaultInterface(keyOf(kind, it.Prior))), true
			}
			if !ok {
				res[i].Current = cty.NullVal(it.Prior.Type())
				continue
			}
			res[i].Current = v
		}
	})
	return providers.DiscoverResponse{Results: res}
}

// Close implements providers.Provider.
func (p *Provider) Close() error {
	if p.tmpDir != "" {
		return os.RemoveAll(p.tmpDir)
	}
	return nil
}
