package cli

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/go-ldap/ldap/v3"
	"github.com/spf13/cobra"
	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/engine/config"
	"github.com/stewardhq/steward/internal/ui"
	"github.com/stewardhq/steward/providers"
	"github.com/stewardhq/steward/providers/directory"
	"github.com/stewardhq/steward/schema"
)

// DiscoverDirectoryOptions are the inputs of `steward discover directory`.
type DiscoverDirectoryOptions struct {
	JSON bool
	// Vars are -var and -var-file, for the provider block.
	Vars []config.VarArg

	f   *Factory
	ctx context.Context
}

// NewCmdDiscoverDirectory builds `steward discover directory`.
func NewCmdDiscoverDirectory(f *Factory, runF func(*DiscoverDirectoryOptions) error) *cobra.Command {
	opts := &DiscoverDirectoryOptions{f: f}
	cmd := &cobra.Command{
		Use:   "directory [-json]",
		Short: "Write configuration for the users, groups and OUs of an LDAP directory",
		Long: `Print directory_ou, directory_user and directory_group blocks for what the
directory holds, each preceded by an import block, ready to paste into a
*.st.hcl file: "steward plan" then shows only imports, and "steward apply"
adopts the entries without changing them.

The directory is the one the provider "directory" block in the working
directory's configuration describes, read with its variables as plan reads
them. Users are those in users_ou and disabled_ou (the latter written with
enabled = false), groups those in groups_ou, and OUs every other
organizational unit under base_dn: users_ou, groups_ou and disabled_ou
themselves are the provider's and are not written.

Group membership is written on the groups, as members; users get no
groups attribute, since membership may be declared on one side only.
Attributes are left out where the provider would set the same value
anyway: surname equal to the last word of full_name, home_directory
/home/UID, gid_number equal to uid_number, login_shell /bin/bash.
Passwords are never read. Entries the resource types cannot describe
exactly are left out, with the reasons as comments at the top of the output
and on standard error.

With -json the result is printed as
{"resources": [{"type", "name", "id", "attributes": {...}}], "skipped": [...]}.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ctx = cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return discoverDirectoryRun(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "Print the result as JSON")
	addVarFlags(cmd.Flags(), &opts.Vars)
	return cmd
}

func discoverDirectoryRun(o *DiscoverDirectoryOptions) error {
	d, err := discoverDirectory(o)
	if err != nil {
		return err
	}
	return printDiscovery(o.f, d, o.JSON, "users, groups or organizational units")
}

// directoryTypes are the directory provider's resource types in the order
// the configuration is written (OUs, then the users that groups list as
// members, then the groups), with the order of their attributes as
// providers/directory/schema.go declares them. TestDirectoryTypesOrder
// keeps the lists complete.
var directoryTypes = []struct {
	typ, prefix string
	order       []string
}{
	{"directory_ou", "ou", []string{"name", "parent", "description"}},
	{"directory_user", "user", []string{"uid", "full_name", "given_name", "surname", "email", "title", "department", "employee_number", "phone",
		"uid_number", "gid_number", "home_directory", "login_shell", "ssh_public_keys", "groups", "password", "enabled"}},
	{"directory_group", "group", []string{"name", "description", "members", "gid_number"}},
}

// directorySettings are the parts of the provider block that say where
// the provider keeps what.
type directorySettings struct {
	url, baseDN                   string
	usersOU, groupsOU, disabledOU string
}

// discoverDirectory reads the directory that the working directory's
// provider "directory" block describes.
func discoverDirectory(o *DiscoverDirectoryOptions) (*ui.Discovery, error) {
	f := o.f
	loader := config.NewLoader()
	cfg, diags := loader.Load(f.WorkDir)
	if diags.HasErrors() {
		f.showDiags(diags, loader.Files())
		return nil, errSilent
	}
	pc, err := directoryProviderFor(cfg.Root, workDirName(f.WorkDir))
	if err != nil {
		return nil, err
	}
	vars, vdiags := loader.ResolveVariables(cfg.Root, config.VariableInputs{Dir: f.WorkDir, Args: o.Vars, Environ: f.Environ})
	diags = append(diags, vdiags...)
	if vdiags.HasErrors() {
		f.showDiags(diags, loader.Files())
		return nil, errSilent
	}
	p, err := f.Registry().New(directory.Name)
	if err != nil {
		return nil, err
	}
	defer func() { _ = p.Close() }()
	val, cdiags := evalProviderBlock(p, pc, cfg.Root, vars)
	if !cdiags.HasErrors() {
		cdiags = append(cdiags, configureProvider(o.ctx, p, pc, val, f)...)
	}
	diags = append(diags, cdiags...)
	f.showDiags(diags, loader.Files())
	if cdiags.HasErrors() {
		return nil, errSilent
	}
	s := directorySettings{
		url: attrString(val, "url"), baseDN: attrString(val, "base_dn"),
		usersOU: attrString(val, "users_ou"), groupsOU: attrString(val, "groups_ou"), disabledOU: attrString(val, "disabled_ou"),
	}

	listed := map[string][]providers.ListedObject{}
	for _, t := range directoryTypes {
		resp := p.List(o.ctx, providers.ListRequest{Type: t.typ})
		if err := resp.Diagnostics.Err(); err != nil {
			return nil, fmt.Errorf("reading the directory at %s: %w", s.url, err)
		}
		listed[t.typ] = resp.Objects
	}
	inUse := map[string]bool{}
	for key := range cfg.Root.ManagedResources {
		inUse[key] = true
	}
	a := &directoryAdopter{prov: p, s: s, inUse: inUse}
	return a.adopt(o.ctx, fmt.Sprintf("directory %s at %s", s.baseDN, s.url), listed)
}

// directoryProviderFor finds the root module's default provider
// "directory" block: the configuration written uses the default provider.
func directoryProviderFor(m *config.Module, dir string) (*config.ProviderConfig, error) {
	var aliased []string
	for k, pc := range m.ProviderConfigs {
		if pc.Name != directory.Name {
			continue
		}
		if pc.Alias == "" {
			return pc, nil
		}
		aliased = append(aliased, k)
	}
	if len(aliased) > 0 {
		sort.Strings(aliased)
		return nil, fmt.Errorf("the configuration in %s has only aliased provider %q blocks (%s): steward discover directory reads the default one, without alias, and writes resources that use it. Add a provider %q block without alias for the directory to read", dir, directory.Name, strings.Join(aliased, ", "), directory.Name)
	}
	return nil, fmt.Errorf("the configuration in %s has no provider %q block, so steward does not know which directory to read. Add one with url, bind_dn, password and base_dn (\"steward lab up\" writes an example)", dir, directory.Name)
}

// directoryAdopter turns the entries listed in a directory into resources
// to adopt.
type directoryAdopter struct {
	// prov is configured with the directory; its Import and PlanChanges
	// check that the configuration written describes each entry exactly.
	prov providers.Provider
	s    directorySettings
	// inUse holds the addresses (type.name) the configuration in the
	// working directory already declares.
	inUse map[string]bool
}

type directoryCandidate struct {
	typ, prefix string
	order       []string
	obj         providers.ListedObject
	cfg         cty.Value
}

// adopt writes the configuration of every listed entry but the provider's
// own OUs, keeps those that import and then plan without changes, and
// names them.
func (a *directoryAdopter) adopt(ctx context.Context, source string, listed map[string][]providers.ListedObject) (*ui.Discovery, error) {
	d := &ui.Discovery{Source: source}
	sch := a.prov.Schema()
	own := map[string]bool{normDN(a.s.baseDN): true}
	for _, ou := range []string{a.s.usersOU, a.s.groupsOU, a.s.disabledOU} {
		own[normDN(ou+","+a.s.baseDN)] = true
	}
	var cands []directoryCandidate
	for _, t := range directoryTypes {
		rs := sch.Resources[t.typ]
		objs := append([]providers.ListedObject(nil), listed[t.typ]...)
		switch t.typ {
		case "directory_ou":
			// Parents before their children.
			sort.SliceStable(objs, func(i, j int) bool {
				di, dj := dnDepth(objs[i].ID), dnDepth(objs[j].ID)
				if di != dj {
					return di < dj
				}
				return normDN(objs[i].ID) < normDN(objs[j].ID)
			})
		default:
			sort.SliceStable(objs, func(i, j int) bool { return naturalLess(objs[i].ID, objs[j].ID) })
		}
		for _, obj := range objs {
			if t.typ == "directory_ou" && own[normDN(obj.ID)] {
				continue
			}
			cfg := a.configOf(t.typ, &rs.Block, obj.State)
			if reason := checkValues(&rs.Block, cfg); reason != "" {
				d.Skipped = append(d.Skipped, ui.SkippedObject{Type: t.typ, ID: obj.ID, Reason: reason})
				continue
			}
			cands = append(cands, directoryCandidate{typ: t.typ, prefix: t.prefix, order: t.order, obj: obj, cfg: cfg})
		}
	}
	if len(cands) == 0 {
		return d, nil
	}

	kept, skipped, err := a.check(ctx, cands)
	if err != nil {
		return nil, err
	}
	d.Skipped = append(d.Skipped, skipped...)

	// Name the resources: users by uid, groups by name, OUs by name, with
	// the parent OU's name in front when two OUs share a name (but for one
	// right under base_dn).
	count := map[string]int{}
	for _, c := range kept {
		count[c.typ+"."+identifier(c.obj.Name, c.prefix)]++
	}
	taken := map[string]bool{}
	for addr := range a.inUse {
		taken[addr] = true
	}
	for _, c := range kept {
		name := identifier(c.obj.Name, c.prefix)
		if parentDN := attrString(c.obj.State, "parent"); c.typ == "directory_ou" && count[c.typ+"."+name] > 1 && normDN(parentDN) != normDN(a.s.baseDN) {
			if parent := firstRDNValue(parentDN); parent != "" {
				name = identifier(parent+" "+c.obj.Name, c.prefix)
			}
		}
		name = strings.TrimPrefix(uniqueName(taken, c.typ+"."+name), c.typ+".")
		d.Resources = append(d.Resources, ui.DiscoveredResource{
			Type: c.typ, Name: name, ID: c.obj.ID, Config: c.cfg, Schema: sch.Resources[c.typ], Order: c.order,
		})
	}
	return d, nil
}

// configOf is the configuration written for a listed entry: its settable
// attributes, without those the provider would plan the same value for
// when they are left out, and without membership on users (it is written
// on the groups).
func (a *directoryAdopter) configOf(typ string, blk *schema.Block, state cty.Value) cty.Value {
	cfg := configOf(blk, state)
	attrs := cfg.AsValueMap()
	drop := func(name string) { attrs[name] = cty.NullVal(attrs[name].Type()) }
	switch typ {
	case "directory_user":
		drop("groups")
		drop("password")
		if words := strings.Fields(attrString(state, "full_name")); len(words) > 0 && attrString(state, "surname") == words[len(words)-1] {
			drop("surname")
		}
		if attrString(state, "home_directory") == "/home/"+attrString(state, "uid") {
			drop("home_directory")
		}
		if uidN, gidN := attrs["uid_number"], attrs["gid_number"]; !uidN.IsNull() && !gidN.IsNull() && uidN.RawEquals(gidN) {
			drop("gid_number")
		}
		if attrString(state, "login_shell") == "/bin/bash" {
			drop("login_shell")
		}
	case "directory_ou":
		if attrString(state, "parent") == a.s.baseDN {
			drop("parent")
		}
	}
	return cty.ObjectVal(attrs)
}

// check imports every candidate, as the import blocks written will, and
// plans its configuration against what was imported: an entry whose plan
// would change anything (a user outside users_ou, a group outside
// groups_ou, a user without a login shell) cannot be described exactly and
// is left out, with the reason.
func (a *directoryAdopter) check(ctx context.Context, cands []directoryCandidate) ([]directoryCandidate, []ui.SkippedObject, error) {
	sch := a.prov.Schema()
	imports := make([]providers.ImportItem, len(cands))
	for i, c := range cands {
		imports[i] = providers.ImportItem{Type: c.typ, ID: c.obj.ID}
	}
	iresp := a.prov.Import(ctx, providers.ImportRequest{Items: imports})
	if err := iresp.Diagnostics.Err(); err != nil {
		return nil, nil, fmt.Errorf("checking the discovered configuration: %w", err)
	}
	if len(iresp.Results) != len(cands) {
		return nil, nil, fmt.Errorf("checking the discovered configuration: the provider imported %d of %d entries", len(iresp.Results), len(cands))
	}
	var skipped []ui.SkippedObject
	var planned []directoryCandidate
	var items []providers.PlanItem
	for i, c := range cands {
		r := iresp.Results[i]
		if err := r.Diagnostics.Err(); err != nil || r.State == cty.NilVal || r.State.IsNull() {
			reason := "the provider cannot import it"
			if err != nil {
				reason += ": " + err.Error()
			}
			skipped = append(skipped, ui.SkippedObject{Type: c.typ, ID: c.obj.ID, Reason: reason})
			continue
		}
		rs := sch.Resources[c.typ]
		cfg := rs.Block.ApplyDefaults(c.cfg)
		planned = append(planned, c)
		items = append(items, providers.PlanItem{
			Address: c.typ + "." + identifier(c.obj.Name, c.prefix), Type: c.typ,
			Prior: r.State, Config: cfg, Proposed: proposedConfig(&rs.Block, r.State, cfg),
		})
	}
	if len(items) == 0 {
		return nil, skipped, nil
	}
	resp := a.prov.PlanChanges(ctx, providers.PlanRequest{Items: items})
	if err := resp.Diagnostics.Err(); err != nil {
		return nil, nil, fmt.Errorf("checking the discovered configuration: %w", err)
	}
	if len(resp.Results) != len(items) {
		return nil, nil, fmt.Errorf("checking the discovered configuration: the provider answered %d of %d entries", len(resp.Results), len(items))
	}
	var kept []directoryCandidate
	for i, c := range planned {
		r := resp.Results[i]
		if err := r.Diagnostics.Err(); err != nil {
			skipped = append(skipped, ui.SkippedObject{Type: c.typ, ID: c.obj.ID,
				Reason: "the provider does not accept its settings as configuration: " + err.Error()})
			continue
		}
		if changed := changedAttributes(items[i].Prior, r.Planned); len(changed) > 0 {
			skipped = append(skipped, ui.SkippedObject{Type: c.typ, ID: c.obj.ID, Reason: changeReason(items[i].Prior, r.Planned, changed)})
			continue
		}
		kept = append(kept, c)
	}
	return kept, skipped, nil
}

// changeReason says what planning an entry's configuration would change:
// a move (the provider keeps users and groups right under its OUs, and
// enabled users unlocked), or the attributes named.
func changeReason(prior, planned cty.Value, changed []string) string {
	var rest []string
	moved := false
	for _, n := range changed {
		if n == "dn" {
			moved = true
			continue
		}
		rest = append(rest, n)
	}
	if !moved {
		return "planning its configuration would change " + strings.Join(changed, ", ")
	}
	reason := fmt.Sprintf("the provider would move it from %s to %s", attrString(prior, "dn"), attrString(planned, "dn"))
	if len(rest) > 0 {
		reason += " and change " + strings.Join(rest, ", ")
	}
	return reason
}

// proposedConfig is what the engine proposes to the provider for an
// imported object: the configuration, with the computed attributes it
// leaves unset carried over from the prior object.
func proposedConfig(blk *schema.Block, prior, cfg cty.Value) cty.Value {
	attrs := cfg.AsValueMap()
	for name, at := range blk.Attributes {
		if at.Computed && attrs[name].IsNull() {
			attrs[name] = prior.GetAttr(name)
		}
	}
	return cty.ObjectVal(attrs)
}

// normDN compares DNs as the server does: attribute names and values
// without regard to case or spacing.
func normDN(dn string) string {
	parsed, err := ldap.ParseDN(dn)
	if err != nil {
		return strings.ToLower(strings.ReplaceAll(dn, " ", ""))
	}
	parts := make([]string, 0, len(parsed.RDNs))
	for _, r := range parsed.RDNs {
		var avas []string
		for _, a := range r.Attributes {
			avas = append(avas, strings.ToLower(a.Type)+"="+strings.ToLower(a.Value))
		}
		sort.Strings(avas)
		parts = append(parts, strings.Join(avas, "+"))
	}
	return strings.Join(parts, ",")
}

// dnDepth is the number of RDNs in dn.
func dnDepth(dn string) int {
	parsed, err := ldap.ParseDN(dn)
	if err != nil {
		return strings.Count(dn, ",") + 1
	}
	return len(parsed.RDNs)
}

// firstRDNValue is the value of the first RDN of dn: "sales" for
// ou=sales,dc=example,dc=org.
func firstRDNValue(dn string) string {
	parsed, err := ldap.ParseDN(dn)
	if err != nil || len(parsed.RDNs) == 0 || len(parsed.RDNs[0].Attributes) == 0 {
		return ""
	}
	return parsed.RDNs[0].Attributes[0].Value
}
