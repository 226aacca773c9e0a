package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/dynblock"
	"github.com/spf13/cobra"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/stewardhq/steward/engine/config"
	"github.com/stewardhq/steward/engine/lang/funcs"
	"github.com/stewardhq/steward/internal/ui"
	"github.com/stewardhq/steward/providers"
	"github.com/stewardhq/steward/providers/network"
	"github.com/stewardhq/steward/providers/network/netconfig"
	"github.com/stewardhq/steward/providers/network/platform"
	"github.com/stewardhq/steward/schema"
)

// NewCmdDiscover builds `steward discover` and its subcommands, one per
// provider that can list what exists.
func NewCmdDiscover(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "discover <provider> [options]",
		Short: "Write configuration that adopts what already exists",
		Long: `Find the objects that already exist on a system and print the configuration
that describes them as they are, with an import block for each, ready to
paste into a *.st.hcl file. Planning that configuration shows only imports;
applying it adopts the objects without changing them.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(NewCmdDiscoverNetwork(f, nil))
	cmd.AddCommand(NewCmdDiscoverDirectory(f, nil))
	return cmd
}

// DiscoverNetworkOptions are the inputs of `steward discover network`.
type DiscoverNetworkOptions struct {
	// Device is the device block to read (online), or the name to give the
	// device in the configuration written (offline).
	Device string
	// Platform and FromFile select offline discovery from a saved running
	// configuration.
	Platform string
	FromFile string
	JSON     bool
	// Vars are -var and -var-file, for the provider block (online only).
	Vars []config.VarArg

	f   *Factory
	ctx context.Context
}

// NewCmdDiscoverNetwork builds `steward discover network`.
func NewCmdDiscoverNetwork(f *Factory, runF func(*DiscoverNetworkOptions) error) *cobra.Command {
	opts := &DiscoverNetworkOptions{f: f}
	cmd := &cobra.Command{
		Use:   "network (--device NAME | --platform PLATFORM --from-file FILE [--device NAME]) [-json]",
		Short: "Write configuration for the VLANs, ports, routes and access lists of a device",
		Long: `Print network_vlan, network_interface, network_static_route and network_acl
blocks for what is configured on one device, each preceded by an import
block, ready to paste into a *.st.hcl file: "steward plan" then shows only
imports, and "steward apply" adopts the objects without changing them.
Ports left at their default configuration are not listed, and neither is
anything the resource types cannot describe exactly (the reasons are given
as comments at the top of the output and on standard error).

Online, --device names a device block of the provider "network" block in
the working directory's configuration, which is read (with its variables,
as plan reads them) to reach the device over SSH.

Offline, --from-file reads a running configuration saved by RANCID, Oxidized
or a TFTP archive, and --platform says whose (` + strings.Join(platform.Names(), ", ") + `).
Nothing is contacted. --device sets the device name used in the configuration
written; it defaults to the hostname in the file.

With -json the result is printed as
{"resources": [{"type", "name", "id", "attributes": {...}}], "skipped": [...]}.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ctx = cmd.Context()
			if err := opts.validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return discoverNetworkRun(opts)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&opts.Device, "device", "", "Device to read: a device block of the provider (online), or the name to use (offline)")
	fs.StringVar(&opts.Platform, "platform", "", "Platform of the saved configuration: "+strings.Join(platform.Names(), ", "))
	fs.StringVar(&opts.FromFile, "from-file", "", "Read a saved running configuration instead of the device")
	fs.BoolVar(&opts.JSON, "json", false, "Print the result as JSON")
	addVarFlags(fs, &opts.Vars)
	return cmd
}

func (o *DiscoverNetworkOptions) validate() error {
	switch {
	case o.FromFile == "" && o.Platform != "":
		return flagErrorf("--platform applies to a saved configuration: add --from-file FILE")
	case o.FromFile != "" && o.Platform == "":
		return flagErrorf("--from-file needs --platform, the platform of the saved configuration (%s)", strings.Join(platform.Names(), ", "))
	case o.FromFile == "" && o.Device == "":
		return flagErrorf("say what to discover: --device NAME for a device of the provider \"network\" block, or --platform PLATFORM --from-file FILE for a saved configuration")
	case o.FromFile != "" && len(o.Vars) > 0:
		return flagErrorf("-var and -var-file apply to online discovery only; --from-file reads no configuration")
	}
	if o.Platform != "" {
		if _, err := platform.Lookup(o.Platform); err != nil {
			return &FlagError{Err: fmt.Errorf("--platform: %w", err)}
		}
	}
	return nil
}

func discoverNetworkRun(o *DiscoverNetworkOptions) error {
	f := o.f
	var d *ui.Discovery
	var err error
	if o.FromFile != "" {
		d, err = discoverNetworkOffline(o)
	} else {
		d, err = discoverNetworkOnline(o)
	}
	if err != nil {
		return err
	}
	return printDiscovery(f, d, o.JSON, "VLANs, configured ports, static routes or access lists")
}

// printDiscovery writes d to standard output as HCL or JSON, and the
// objects left out to standard error; what names the kinds of objects
// looked for, for the message when there is nothing to adopt.
func printDiscovery(f *Factory, d *ui.Discovery, asJSON bool, what string) error {
	var err error
	if asJSON {
		err = ui.RenderDiscoveryJSON(f.IO.Out, d)
	} else {
		err = ui.RenderDiscoveryHCL(f.IO.Out, d)
	}
	if err != nil {
		return err
	}
	for _, s := range d.Skipped {
		fmt.Fprintf(f.IO.ErrOut, "Warning: not adopted: %s %s: %s\n", s.Type, s.ID, s.Reason)
	}
	if len(d.Resources) == 0 {
		fmt.Fprintf(f.IO.ErrOut, "Nothing to adopt: %s has no %s that steward can describe.\n", d.Source, what)
	}
	return nil
}

// networkTypes are the network provider's resource types in the order the
// configuration is written (VLANs before the ports that carry them), with
// the object kinds of the provider's ids and the order of their attributes
// as providers/network/schema.go declares them (entry's for network_acl
// after name). TestNetworkTypesOrder keeps the lists complete.
var networkTypes = []struct {
	typ, kind string
	order     []string
}{
	{"network_vlan", "vlan", []string{"device", "vlan_id", "name", "state"}},
	{"network_interface", "interface", []string{"device", "name", "description", "enabled", "mode", "access_vlan", "trunk_vlans", "native_vlan", "ipv4_address", "mtu"}},
	{"network_static_route", "route", []string{"device", "prefix", "next_hop", "distance", "vrf", "name"}},
	{"network_acl", "acl", []string{"device", "name", "sequence", "action", "protocol", "source", "destination", "ports", "log"}},
}

// discoverNetworkOffline reads a saved running configuration.
func discoverNetworkOffline(o *DiscoverNetworkOptions) (*ui.Discovery, error) {
	plat, err := platform.Lookup(o.Platform)
	if err != nil {
		return nil, err
	}
	path := o.f.Path(o.FromFile)
	text, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("cannot read the saved configuration: %s does not exist", o.FromFile)
		}
		return nil, fmt.Errorf("cannot read the saved configuration: %w", err)
	}
	cfg, err := plat.ParseRunningConfig(string(text))
	if err != nil {
		return nil, fmt.Errorf("%s is not a %s running configuration steward can read: %w", o.FromFile, plat.Name(), err)
	}
	dev := o.Device
	if dev == "" {
		dev = cfg.Hostname
	}
	if dev == "" {
		return nil, flagErrorf("%s has no hostname line: name the device with --device NAME", o.FromFile)
	}
	p, err := network.NewOffline(dev, plat.Name())
	if err != nil {
		return nil, err
	}
	defer func() { _ = p.Close() }()
	listed := map[string][]providers.ListedObject{}
	for _, t := range networkTypes {
		listed[t.typ] = network.ListObjects(dev, t.kind, cfg)
	}
	a := &adopter{prov: p, plat: plat, device: dev}
	return a.adopt(o.ctx, fmt.Sprintf("%s (%s, device %s)", filepath.Base(o.FromFile), plat.Name(), dev), listed)
}

// discoverNetworkOnline reads the device named in the working directory's
// provider "network" block.
func discoverNetworkOnline(o *DiscoverNetworkOptions) (*ui.Discovery, error) {
	f := o.f
	loader := config.NewLoader()
	cfg, diags := loader.Load(f.WorkDir)
	if diags.HasErrors() {
		f.showDiags(diags, loader.Files())
		return nil, errSilent
	}
	pc, err := networkProviderFor(cfg.Root, o.Device, workDirName(f.WorkDir))
	if err != nil {
		return nil, err
	}
	vars, vdiags := loader.ResolveVariables(cfg.Root, config.VariableInputs{Dir: f.WorkDir, Args: o.Vars, Environ: f.Environ})
	diags = append(diags, vdiags...)
	if vdiags.HasErrors() {
		f.showDiags(diags, loader.Files())
		return nil, errSilent
	}
	p, err := f.Registry().New(network.Name)
	if err != nil {
		return nil, err
	}
	defer func() { _ = p.Close() }()
	devCfg, cdiags := configureNetworkDevice(o.ctx, p, pc, cfg.Root, vars, o.Device, f)
	diags = append(diags, cdiags...)
	f.showDiags(diags, loader.Files())
	if cdiags.HasErrors() {
		return nil, errSilent
	}
	plat, err := platform.Lookup(devCfg.GetAttr("platform").AsString())
	if err != nil {
		return nil, err
	}

	listed := map[string][]providers.ListedObject{}
	for _, t := range networkTypes {
		resp := p.List(o.ctx, providers.ListRequest{Type: t.typ})
		if err := resp.Diagnostics.Err(); err != nil {
			return nil, fmt.Errorf("reading device %s: %w", o.Device, err)
		}
		listed[t.typ] = resp.Objects
	}
	inUse := map[string]bool{}
	for key := range cfg.Root.ManagedResources {
		inUse[key] = true
	}
	a := &adopter{prov: p, plat: plat, device: o.Device, inUse: inUse}
	return a.adopt(o.ctx, fmt.Sprintf("device %s (%s)", o.Device, plat.Name()), listed)
}

// workDirName names the working directory in messages.
func workDirName(dir string) string {
	if dir == "" || dir == "." {
		return "the working directory"
	}
	return dir
}

// networkProviderFor finds the root module's provider "network" block
// (default or aliased) that has a device block named dev.
func networkProviderFor(m *config.Module, dev, dir string) (*config.ProviderConfig, error) {
	keys := make([]string, 0, len(m.ProviderConfigs))
	for k, pc := range m.ProviderConfigs {
		if pc.Name == network.Name {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("the configuration in %s has no provider %q block, so steward does not know how to reach device %q. Add one (\"steward lab up\" writes an example), or discover from a saved configuration with --platform and --from-file", dir, network.Name, dev)
	}
	sort.Strings(keys) // "network" before "network.alias"
	deviceBlocks := &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "device", LabelNames: []string{"name"}}}}
	var known []string
	for _, k := range keys {
		pc := m.ProviderConfigs[k]
		content, _, _ := pc.Config.PartialContent(deviceBlocks)
		if content == nil {
			continue
		}
		for _, b := range content.Blocks {
			if b.Labels[0] == dev {
				return pc, nil
			}
			known = append(known, b.Labels[0])
		}
	}
	sort.Strings(known)
	if len(known) == 0 {
		return nil, fmt.Errorf("device %q is not configured: the provider %q block in %s has no device blocks", dev, network.Name, dir)
	}
	return nil, fmt.Errorf("device %q is not configured: the provider %q block in %s has no device %q block (devices: %s)", dev, network.Name, dir, dev, strings.Join(known, ", "))
}

// configureNetworkDevice evaluates the provider block, as plan would, and
// configures p with the one device dev, so that only that device is
// contacted. It returns the device's evaluated configuration.
func configureNetworkDevice(ctx context.Context, p providers.Provider, pc *config.ProviderConfig, m *config.Module, vars map[string]cty.Value, dev string, f *Factory) (cty.Value, hcl.Diagnostics) {
	val, diags := evalProviderBlock(p, pc, m, vars)
	if diags.HasErrors() {
		return cty.NilVal, diags
	}
	attrs := val.AsValueMap()
	if devs := attrs["device"]; devs.IsNull() || !devs.HasIndex(cty.StringVal(dev)).True() {
		return cty.NilVal, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Device not configured",
			Detail:   fmt.Sprintf("The configuration of provider %q has no device %q.", pc.Ref(), dev),
			Subject:  pc.DeclRange.Ptr(),
		})
	}
	devCfg := attrs["device"].Index(cty.StringVal(dev))
	attrs["device"] = cty.MapVal(map[string]cty.Value{dev: devCfg})
	diags = append(diags, configureProvider(ctx, p, pc, cty.ObjectVal(attrs), f)...)
	return devCfg, diags
}

// evalProviderBlock evaluates a provider block, as plan would, before
// anything else exists: with variables, locals and functions only. The
// result has the schema's defaults and no marks.
func evalProviderBlock(p providers.Provider, pc *config.ProviderConfig, m *config.Module, vars map[string]cty.Value) (cty.Value, hcl.Diagnostics) {
	blk := p.Schema().Config
	sc := &staticScope{mod: m, vars: vars, funcs: discoverFunctions(m.Dir), locals: map[string]cty.Value{}, busy: map[string]bool{}}
	ectx, diags := sc.evalContext(dynblock.VariablesHCLDec(pc.Config, blk.DecoderSpec()))
	if diags.HasErrors() {
		return cty.NilVal, diags
	}
	val, ddiags := blk.Decode(pc.Config, ectx)
	diags = append(diags, ddiags...)
	if diags.HasErrors() {
		return cty.NilVal, diags
	}
	val, _ = val.UnmarkDeep()
	if !val.IsWhollyKnown() {
		return cty.NilVal, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Provider configuration depends on unknown values",
			Detail:   fmt.Sprintf("The configuration of provider %q uses values that are not known before a plan. Provider settings must come from variables or locals.", pc.Ref()),
			Subject:  pc.DeclRange.Ptr(),
		})
	}
	return val, diags
}

// configureProvider configures p with the evaluated provider block val and
// returns the provider's diagnostics, placed in the block.
func configureProvider(ctx context.Context, p providers.Provider, pc *config.ProviderConfig, val cty.Value, f *Factory) hcl.Diagnostics {
	blk := p.Schema().Config
	var diags hcl.Diagnostics
	pd := p.Configure(ctx, providers.ConfigureRequest{Config: val, Alias: pc.Alias, StewardVersion: f.Version})
	for _, d := range pd {
		sev := hcl.DiagError
		if d.Severity == providers.Warning {
			sev = hcl.DiagWarning
		}
		rng := schema.SourceRange(pc.Config, blk, d.Attribute)
		diags = append(diags, &hcl.Diagnostic{Severity: sev, Summary: d.Summary, Detail: d.Detail, Subject: &rng})
	}
	return diags
}

// adopter turns the objects listed on one device into resources to adopt.
type adopter struct {
	// prov is configured with the device; its PlanChanges checks that the
	// configuration written describes each object exactly.
	prov   providers.Provider
	plat   netconfig.Platform
	device string
	// inUse holds the addresses (type.name) the configuration in the
	// working directory already declares, which the new resources must
	// not take.
	inUse map[string]bool
}

// adopt keeps the device's objects that are worth configuring (not ports
// at their defaults) and that the configuration written would plan without
// changes, and names them.
func (a *adopter) adopt(ctx context.Context, source string, listed map[string][]providers.ListedObject) (*ui.Discovery, error) {
	d := &ui.Discovery{Source: source}
	sch := a.prov.Schema()
	type candidate struct {
		typ   string
		order []string
		obj   providers.ListedObject
		cfg   cty.Value
	}
	var cands []candidate
	for _, t := range networkTypes {
		rs := sch.Resources[t.typ]
		objs := listed[t.typ]
		if t.typ == "network_interface" {
			sort.SliceStable(objs, func(i, j int) bool {
				return naturalLess(attrString(objs[i].State, "name"), attrString(objs[j].State, "name"))
			})
		}
		for _, obj := range objs {
			if attrString(obj.State, "device") != a.device {
				continue
			}
			if t.typ == "network_interface" && a.atDefaults(obj) {
				continue
			}
			cfg := configOf(&rs.Block, obj.State)
			if reason := checkValues(&rs.Block, cfg); reason != "" {
				d.Skipped = append(d.Skipped, ui.SkippedObject{Type: t.typ, ID: obj.ID, Reason: reason})
				continue
			}
			cands = append(cands, candidate{typ: t.typ, order: t.order, obj: obj, cfg: cfg})
		}
	}
	if len(cands) == 0 {
		return d, nil
	}

	// Plan every object as if its configuration had just been imported: a
	// provider that would change anything cannot describe it exactly.
	items := make([]providers.PlanItem, len(cands))
	for i, c := range cands {
		items[i] = providers.PlanItem{Type: c.typ, Prior: c.obj.State, Config: c.cfg, Proposed: c.obj.State}
	}
	resp := a.prov.PlanChanges(ctx, providers.PlanRequest{Items: items})
	if err := resp.Diagnostics.Err(); err != nil {
		return nil, fmt.Errorf("checking the discovered configuration: %w", err)
	}
	if len(resp.Results) != len(items) {
		return nil, fmt.Errorf("checking the discovered configuration: the provider answered %d of %d objects", len(resp.Results), len(items))
	}
	var kept []candidate
	for i, c := range cands {
		r := resp.Results[i]
		if err := r.Diagnostics.Err(); err != nil {
			d.Skipped = append(d.Skipped, ui.SkippedObject{Type: c.typ, ID: c.obj.ID,
				Reason: "the provider does not accept its settings as configuration: " + err.Error()})
			continue
		}
		if changed := changedAttributes(c.obj.State, r.Planned); len(changed) > 0 {
			d.Skipped = append(d.Skipped, ui.SkippedObject{Type: c.typ, ID: c.obj.ID,
				Reason: fmt.Sprintf("it has settings %s cannot express, so planning its configuration would change %s", c.typ, strings.Join(changed, ", "))})
			continue
		}
		kept = append(kept, c)
	}

	// Name the resources. Objects that share a name (routes to one prefix
	// through several next hops) take a qualifier that tells them apart; a
	// name the configuration already uses (another device's VLAN 20) is
	// prefixed with the device's name.
	bases := make([]string, len(kept))
	count := map[string]int{}
	for i, c := range kept {
		bases[i] = c.typ + "." + resourceName(c.typ, c.obj, "")
		count[bases[i]]++
	}
	taken := map[string]bool{}
	for addr := range a.inUse {
		taken[addr] = true
	}
	for i, c := range kept {
		name := resourceName(c.typ, c.obj, "")
		if count[bases[i]] > 1 {
			name = resourceName(c.typ, c.obj, qualifier(c.typ, c.obj))
		}
		if taken[c.typ+"."+name] {
			name = identifier(a.device+" "+name, "device")
		}
		name = strings.TrimPrefix(uniqueName(taken, c.typ+"."+name), c.typ+".")
		d.Resources = append(d.Resources, ui.DiscoveredResource{
			Type: c.typ, Name: name, ID: c.obj.ID, Config: c.cfg, Schema: sch.Resources[c.typ], Order: c.order,
		})
	}
	return d, nil
}

// atDefaults reports whether a listed port has the configuration the
// platform gives a port with nothing configured: such a port is not worth
// a resource block.
func (a *adopter) atDefaults(obj providers.ListedObject) bool {
	name := attrString(obj.State, "name")
	def := network.ListObjects(a.device, "interface", &netconfig.Config{
		Interfaces: map[string]*netconfig.Interface{name: a.plat.DefaultInterface(name)},
	})
	return len(def) == 1 && def[0].State.RawEquals(obj.State)
}

// configOf is the configuration that describes an object as listed: its
// value without the attributes only the provider sets (id).
func configOf(blk *schema.Block, v cty.Value) cty.Value {
	return blk.TransformAttributes(v, func(_ cty.Path, a *schema.Attribute, v cty.Value) cty.Value {
		if a.Computed && !a.Optional && !a.Required {
			return cty.NullVal(v.Type())
		}
		return v
	})
}

// checkValues runs the schema's validators on a configuration, as decoding
// it in a plan would, and returns the first complaint.
func checkValues(blk *schema.Block, v cty.Value) string {
	var reason string
	blk.TransformAttributes(v, func(path cty.Path, a *schema.Attribute, v cty.Value) cty.Value {
		if reason != "" || a.Validate == nil || v.IsNull() || !v.IsWhollyKnown() {
			return v
		}
		if err := a.Validate(v); err != nil {
			reason = fmt.Sprintf("%s cannot be written as configuration: %s", schema.FormatPath(path), err)
		}
		return v
	})
	return reason
}

// changedAttributes names the top-level attributes that differ.
func changedAttributes(before, after cty.Value) []string {
	if after == cty.NilVal || after.IsNull() || !after.Type().Equals(before.Type()) {
		return []string{"the whole object"}
	}
	var out []string
	for name := range before.Type().AttributeTypes() {
		if !before.GetAttr(name).RawEquals(after.GetAttr(name)) {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

func attrString(v cty.Value, name string) string {
	if v.IsNull() || !v.Type().IsObjectType() || !v.Type().HasAttribute(name) {
		return ""
	}
	a := v.GetAttr(name)
	if a.IsNull() || !a.IsKnown() || a.Type() != cty.String {
		return ""
	}
	return a.AsString()
}

// resourceName derives a resource name from what identifies the object,
// so that a reader recognises it: vlan_20_finance, gigabitethernet1_0_48,
// route_10_0_0_0_8, acl_mgmt; extra (see qualifier) is added at the end.
func resourceName(typ string, obj providers.ListedObject, extra string) string {
	v := obj.State
	var parts []string
	switch typ {
	case "network_vlan":
		id := v.GetAttr("vlan_id")
		n, _ := id.AsBigFloat().Int64()
		parts = []string{"vlan", strconv.FormatInt(n, 10), attrString(v, "name")}
	case "network_interface":
		parts = []string{attrString(v, "name")}
	case "network_static_route":
		parts = []string{"route", attrString(v, "vrf"), attrString(v, "prefix")}
	case "network_acl":
		parts = []string{"acl", attrString(v, "name")}
	default:
		parts = []string{obj.Name}
	}
	return identifier(strings.Join(append(parts, extra), " "), strings.TrimPrefix(typ, "network_"))
}

// qualifier tells apart objects whose names would be the same: the next
// hop of a route (route_0_0_0_0_0_via_192_0_2_1).
func qualifier(typ string, obj providers.ListedObject) string {
	if typ == "network_static_route" {
		return "via " + attrString(obj.State, "next_hop")
	}
	return ""
}

// identifier turns s into a resource name: lower-case ASCII letters and
// digits, every other run of characters one underscore, starting with a
// letter (prefix when s does not).
func identifier(s, prefix string) string {
	var b strings.Builder
	sep := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if sep && b.Len() > 0 {
				b.WriteByte('_')
			}
			sep = false
			b.WriteRune(r)
			continue
		}
		sep = true
	}
	out := b.String()
	if out == "" || out[0] < 'a' || out[0] > 'z' {
		out = strings.TrimSuffix(identifier(prefix, "r")+"_"+out, "_")
	}
	return out
}

// uniqueName returns name, or name_2, name_3... if it is taken, and marks
// the result taken.
func uniqueName(taken map[string]bool, name string) string {
	out := name
	for i := 2; taken[out]; i++ {
		out = name + "_" + strconv.Itoa(i)
	}
	taken[out] = true
	return out
}

// naturalLess orders names with their numbers compared as numbers:
// GigabitEthernet1/0/2 before GigabitEthernet1/0/10.
func naturalLess(a, b string) bool {
	for a != "" && b != "" {
		da, db := digitPrefix(a), digitPrefix(b)
		if da != "" && db != "" {
			na, _ := strconv.Atoi(da)
			nb, _ := strconv.Atoi(db)
			if na != nb {
				return na < nb
			}
			a, b = a[len(da):], b[len(db):]
			continue
		}
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

func digitPrefix(s string) string {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' && i < 9 {
		i++
	}
	return s[:i]
}

// staticScope evaluates a provider block before anything else exists:
// with the root module's variables, its locals (evaluated on demand), path
// and the functions, as the engine would for a provider block that needs
// nothing else.
type staticScope struct {
	mod    *config.Module
	vars   map[string]cty.Value
	funcs  map[string]function.Function
	locals map[string]cty.Value
	busy   map[string]bool
}

func (s *staticScope) evalContext(trs []hcl.Traversal) (*hcl.EvalContext, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	ctxVars := map[string]cty.Value{}
	varAttrs, localAttrs := map[string]cty.Value{}, map[string]cty.Value{}
	for _, tr := range trs {
		root := tr.RootName()
		var name string
		if len(tr) > 1 {
			if a, ok := tr[1].(hcl.TraverseAttr); ok {
				name = a.Name
			}
		}
		switch root {
		case "var":
			v, ok := s.vars[name]
			if !ok {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Reference to undeclared input variable",
					Detail: fmt.Sprintf("There is no variable %q declared in the root module.", name), Subject: tr.SourceRange().Ptr()})
				continue
			}
			varAttrs[name] = v
		case "local":
			v, d := s.local(name, tr.SourceRange())
			diags = append(diags, d...)
			localAttrs[name] = v
		case "path":
			cwd, _ := filepath.Abs(".")
			rel, err := filepath.Rel(cwd, s.mod.Dir)
			if err != nil {
				rel = s.mod.Dir
			}
			ctxVars["path"] = cty.ObjectVal(map[string]cty.Value{"module": cty.StringVal(rel), "root": cty.StringVal(rel), "cwd": cty.StringVal(cwd)})
		default:
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Unsupported reference in the provider block",
				Detail:   fmt.Sprintf("steward discover reads the provider block before anything else is evaluated, so it can use variables (var.*) and locals (local.*) but not %s. Set the provider's settings from variables or locals.", root),
				Subject:  tr.SourceRange().Ptr(),
			})
		}
	}
	if len(varAttrs) > 0 {
		ctxVars["var"] = cty.ObjectVal(varAttrs)
	}
	if len(localAttrs) > 0 {
		ctxVars["local"] = cty.ObjectVal(localAttrs)
	}
	return &hcl.EvalContext{Variables: ctxVars, Functions: s.funcs}, diags
}

// local evaluates one local value and those it needs.
func (s *staticScope) local(name string, rng hcl.Range) (cty.Value, hcl.Diagnostics) {
	if v, ok := s.locals[name]; ok {
		return v, nil
	}
	l := s.mod.Locals[name]
	if l == nil {
		return cty.DynamicVal, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Reference to undeclared local value",
			Detail: fmt.Sprintf("There is no local value %q in the root module.", name), Subject: rng.Ptr()}}
	}
	if s.busy[name] {
		return cty.DynamicVal, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cycle in local values",
			Detail: fmt.Sprintf("local.%s depends on itself.", name), Subject: l.DeclRange.Ptr()}}
	}
	s.busy[name] = true
	defer delete(s.busy, name)
	ectx, diags := s.evalContext(l.Expr.Variables())
	if diags.HasErrors() {
		return cty.DynamicVal, diags
	}
	v, d := l.Expr.Value(ectx)
	diags = append(diags, d...)
	s.locals[name] = v
	return v, diags
}

// discoverFunctions are the configuration's functions; sensitive and
// nonsensitive only matter for what a plan shows, and discover shows no
// connection settings, so both pass their argument through.
func discoverFunctions(dir string) map[string]function.Function {
	fns := funcs.Functions(dir)
	pass := function.New(&function.Spec{
		Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowMarked: true, AllowNull: true, AllowUnknown: true, AllowDynamicType: true}},
		Type:   func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
		Impl:   func(args []cty.Value, _ cty.Type) (cty.Value, error) { return args[0], nil },
	})
	fns["sensitive"], fns["nonsensitive"] = pass, pass
	return fns
}
