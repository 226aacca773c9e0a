package directory

import (
	"context"
	"fmt"

	"sort"
	"strings"
	"sync"
	"time"

	"github.com/go-ldap/ldap/v3"
	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/providers"
	"github.com/stewardhq/steward/schema"
)

// Name is the provider's name.
const Name = "directory"

// Provider implements providers.Provider for LDAP directories.
type Provider struct {
	schema *schema.Provider
	s      *settings
	c      *client

	// mu guards the membership declarations seen while planning, which
	// catch a group whose members are declared on both sides.
	mu            sync.Mutex
	groupMembers  map[string]string   // group name -> address declaring members
	userGroups    map[string][]string // group name -> addresses declaring it in groups
	reportedClash map[string]bool
}

var _ providers.Provider = (*Provider)(nil)

// New returns an unconfigured directory provider.
func New() (providers.Provider, error) {
	return &Provider{schema: providerSchema(), groupMembers: map[string]string{}, userGroups: map[string][]string{}, reportedClash: map[string]bool{}}, nil
}

// Schema implements providers.Provider.
func (p *Provider) Schema() *schema.Provider { return p.schema }

// Configure implements providers.Provider.
func (p *Provider) Configure(_ context.Context, req providers.ConfigureRequest) providers.Diagnostics {
	v := req.Config
	var diags providers.Diagnostics
	timeout, err := time.ParseDuration(str(v.GetAttr("timeout")))
	if err != nil || timeout <= 0 {
		return providers.Diagnostics{providers.Errorf(cty.GetAttrPath("timeout"), "Invalid timeout", "%q is not a duration such as 30s", str(v.GetAttr("timeout")))}
	}
	s := &settings{
		url: str(v.GetAttr("url")), bindDN: str(v.GetAttr("bind_dn")), password: str(v.GetAttr("password")),
		baseDN: str(v.GetAttr("base_dn")), usersOU: str(v.GetAttr("users_ou")), groupsOU: str(v.GetAttr("groups_ou")),
		disabledOU: str(v.GetAttr("disabled_ou")), startTLS: v.GetAttr("start_tls").True(),
		insecure: v.GetAttr("insecure_skip_verify").True(), caFile: str(v.GetAttr("ca_file")), timeout: timeout,
		pageSize: uint32(num(v.GetAttr("page_size"))), uidMin: num(v.GetAttr("uid_number_min")),
		uidMax: num(v.GetAttr("uid_number_max")), emptyMember: str(v.GetAttr("empty_group_member")),
		connections: num(v.GetAttr("connections")),
	}
	if s.emptyMember == "" {
		s.emptyMember = "cn=empty-group," + s.baseDN
	}
	if !strings.HasPrefix(s.url, "ldap://") && !strings.HasPrefix(s.url, "ldaps://") {
		diags = append(diags, providers.Errorf(cty.GetAttrPath("url"), "Invalid URL", "%q must start with ldap:// or ldaps://", s.url))
	}
	if strings.HasPrefix(s.url, "ldap://") && !s.startTLS {
		diags = append(diags, providers.Warnf(cty.GetAttrPath("url"), "Unencrypted directory connection",
			"%s is plain LDAP without start_tls: the bind password and user passwords would cross the network in clear. Use ldaps:// or start_tls = true.", s.url))
	}
	if s.insecure {
		diags = append(diags, providers.Warnf(cty.GetAttrPath("insecure_skip_verify"), "Certificate verification disabled",
			"The directory's TLS certificate is not verified: anyone who can intercept the connection can impersonate the server and read the credentials. Set ca_file instead."))
	}
	if s.uidMin <= 0 || s.uidMax < s.uidMin {
		diags = append(diags, providers.Errorf(cty.GetAttrPath("uid_number_min"), "Invalid uid range", "uid_number_min must be positive and not above uid_number_max"))
	}
	p.s = s
	p.c = newClient(s)
	return diags
}

// Close implements providers.Provider.
func (p *Provider) Close() error {
	if p.c != nil {
		p.c.close()
	}
	return nil
}

// Discover implements providers.Provider: four paged searches, whatever
// the number of objects.
func (p *Provider) Discover(ctx context.Context, req providers.DiscoverRequest) providers.DiscoverResponse {
	res := make([]providers.DiscoverResult, len(req.Items))
	snap, err := p.c.load(ctx)
	if err != nil {
		return providers.DiscoverResponse{Results: res, Diagnostics: providers.Diagnostics{providers.FromError("Cannot read the directory", err)}}
	}
	managed := p.managedGroups(req.Items)
	for i, it := range req.Items {
		res[i].Current = p.current(snap, it.Type, it.Prior, managed)
	}
	return providers.DiscoverResponse{Results: res}
}

// managedGroups are the groups steward manages: those that are resources,
// and those users were put in by steward. Memberships in other groups are
// left alone and not shown.
func (p *Provider) managedGroups(items []providers.DiscoverItem) map[string]bool {
	managed := map[string]bool{}
	for _, it := range items {
		switch it.Type {
		case "directory_group":
			managed[strings.ToLower(str(it.Prior.GetAttr("name")))] = true
		case "directory_user":
			for _, g := range setStrings(it.Prior.GetAttr("groups")) {
				managed[strings.ToLower(g)] = true
			}
		}
	}
	return managed
}

// current renders the object prior names from a snapshot, or null.
func (p *Provider) current(snap *snapshot, typ string, prior cty.Value, managed map[string]bool) cty.Value {
	switch typ {
	case "directory_user":
		u := snap.users[str(prior.GetAttr("uid"))]
		if u == nil {
			return cty.NullVal(prior.Type())
		}
		v := p.s.userValue(u, snap.groupsOf(u.uid, managed), p.enabled(u))
		v = withCanonicalDN(v, u.dn, p.s.userDN(u.uid, p.enabled(u)))
		if prior.GetAttr("groups").IsNull() {
			v = withAttr(v, "groups", cty.NullVal(cty.Set(cty.String)))
		}
		return v
	case "directory_group":
		g := snap.groups[strings.ToLower(str(prior.GetAttr("name")))]
		if g == nil {
			return cty.NullVal(prior.Type())
		}
		v := p.s.groupValue(g)
		v = withCanonicalDN(v, g.dn, p.s.groupDN(g.cn))
		if prior.GetAttr("members").IsNull() {
			// Membership is declared on the users: not this object's business.
			v = withAttr(v, "members", cty.NullVal(cty.Set(cty.String)))
		}
		return v
	case "directory_ou":
		o := snap.ous[normDN(str(prior.GetAttr("dn")))]
		if o == nil {
			return cty.NullVal(prior.Type())
		}
		return p.s.ouValue(o)
	}
	return cty.NullVal(prior.Type())
}

func (p *Provider) enabled(u *user) bool {
	return !u.locked && strings.HasSuffix(normDN(u.dn), normDN(p.s.usersBase()))
}

// PlanChanges implements providers.Provider.
func (p *Provider) PlanChanges(_ context.Context, req providers.PlanRequest) providers.PlanResponse {
	res := make([]providers.PlanResult, len(req.Items))
	for i, it := range req.Items {
		res[i].Planned, res[i].Diagnostics = p.planOne(it)
		if it.Type == "directory_user" && !res[i].Diagnostics.HasErrors() {
			res[i].Summary = p.userSummary(it.Prior, res[i].Planned)
		}
	}
	return providers.PlanResponse{Results: res}
}

// userSummary tells, in a manager's words, what happens to a person's
// account when it leaves, comes back or changes department.
func (p *Provider) userSummary(prior, planned cty.Value) string {
	if prior.IsNull() || !planned.IsKnown() || planned.IsNull() {
		return ""
	}
	uid := str(planned.GetAttr("uid"))
	before, after := enabledOf(prior), enabledOf(planned)
	oldGroups, newGroups := setStrings(prior.GetAttr("groups")), setStrings(planned.GetAttr("groups"))
	switch {
	case before && !after:
		return fmt.Sprintf("%s will be disabled: locked, removed from %d group%s, moved to %s", uid, len(oldGroups), plural(len(oldGroups)), p.s.disabledOU)
	case !before && after:
		return fmt.Sprintf("%s will be re-enabled: unlocked, moved back to %s, added to %s", uid, p.s.usersOU, listOrNone(newGroups))
	}
	var joined, left []string
	for _, g := range newGroups {
		if !contains(oldGroups, g) {
			joined = append(joined, g)
		}
	}
	for _, g := range oldGroups {
		if !contains(newGroups, g) {
			left = append(left, g)
		}
	}
	dept, oldDept := str(planned.GetAttr("department")), str(prior.GetAttr("department"))
	switch {
	case dept != oldDept && dept != "":
		return fmt.Sprintf("%s moves from %s to %s: leaves %s, joins %s", uid, orNone(oldDept), dept, listOrNone(left), listOrNone(joined))
	case len(joined) > 0 || len(left) > 0:
		return fmt.Sprintf("%s leaves %s and joins %s", uid, listOrNone(left), listOrNone(joined))
	}
	return ""
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func orNone(s string) string {
	if s == "" {
		return "no department"
	}
	return s
}

func listOrNone(items []string) string {
	if len(items) == 0 {
		return "no group"
	}
	return strings.Join(items, ", ")
}

func (p *Provider) planOne(it providers.PlanItem) (cty.Value, providers.Diagnostics) {
	v := it.Proposed
	if !v.IsKnown() || v.IsNull() {
		return v, nil
	}
	attrs := v.AsValueMap()
	switch it.Type {
	case "directory_user":
		uid := attrs["uid"]
		if !uid.IsKnown() {
			attrs["dn"] = cty.UnknownVal(cty.String)
			return cty.ObjectVal(attrs), nil
		}
		unset := func(name string) bool {
			// Computed attributes left unset arrive unknown (new object)
			// or carried over from the prior object.
			return it.Config.GetAttr(name).IsNull() && (attrs[name].IsNull() || !attrs[name].IsKnown())
		}
		if unset("surname") && attrs["full_name"].IsKnown() {
			words := strings.Fields(str(attrs["full_name"]))
			if len(words) > 0 {
				attrs["surname"] = cty.StringVal(words[len(words)-1])
			}
		}
		if unset("home_directory") {
			attrs["home_directory"] = cty.StringVal("/home/" + uid.AsString())
		}
		if unset("uid_number") {
			attrs["uid_number"] = cty.UnknownVal(cty.Number) // allocated at apply
		}
		if unset("gid_number") {
			attrs["gid_number"] = attrs["uid_number"]
		}
		enabled := enabledOf(v)
		if !enabled && !attrs["groups"].IsNull() {
			// A leaver keeps no memberships.
			attrs["groups"] = cty.SetValEmpty(cty.String)
		}
		attrs["password"] = cty.NullVal(cty.String)
		if k := attrs["ssh_public_keys"]; k.IsKnown() && !k.IsNull() && k.LengthInt() == 0 {
			attrs["ssh_public_keys"] = cty.NullVal(cty.Set(cty.String))
		}
		attrs["dn"] = cty.StringVal(p.s.userDN(uid.AsString(), enabled))
		if cg := it.Config.GetAttr("groups"); !cg.IsNull() && cg.IsKnown() {
			if d := p.noteUserGroups(it.Address, setStrings(cg)); d != nil {
				return cty.ObjectVal(attrs), d
			}
		}
	case "directory_group":
		name := attrs["name"]
		if !name.IsKnown() {
			attrs["dn"] = cty.UnknownVal(cty.String)
			return cty.ObjectVal(attrs), nil
		}
		attrs["dn"] = cty.StringVal(p.s.groupDN(name.AsString()))
		if cm := it.Config.GetAttr("members"); !cm.IsNull() {
			if d := p.noteGroupMembers(it.Address, name.AsString()); d != nil {
				return cty.ObjectVal(attrs), d
			}
		}
	case "directory_ou":
		if it.Config.GetAttr("parent").IsNull() {
			attrs["parent"] = cty.StringVal(p.s.baseDN)
		}
		if attrs["name"].IsKnown() && attrs["parent"].IsKnown() {
			attrs["dn"] = cty.StringVal("ou=" + ldap.EscapeDN(attrs["name"].AsString()) + "," + attrs["parent"].AsString())
		} else {
			attrs["dn"] = cty.UnknownVal(cty.String)
		}
	}
	return cty.ObjectVal(attrs), nil
}

func clash(group, groupAddr string, userAddrs []string) providers.Diagnostics {
	return providers.Diagnostics{providers.Errorf(nil, "Membership declared twice",
		"the members of group %q are declared both on the group (%s members) and on users (%s groups). Declare membership on one side only: either list members on the group, or groups on the users.",
		group, groupAddr, strings.Join(userAddrs, ", "))}
}

func (p *Provider) noteUserGroups(addr string, groups []string) providers.Diagnostics {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, g := range groups {
		key := strings.ToLower(g)
		p.userGroups[key] = append(p.userGroups[key], addr)
		if ga, ok := p.groupMembers[key]; ok && !p.reportedClash[key+addr] {
			p.reportedClash[key+addr] = true
			return clash(g, ga, []string{addr})
		}
	}
	return nil
}

func (p *Provider) noteGroupMembers(addr, name string) providers.Diagnostics {
	p.mu.Lock()
	defer p.mu.Unlock()
	key := strings.ToLower(name)
	p.groupMembers[key] = addr
	if users := p.userGroups[key]; len(users) > 0 {
		sorted := append([]string(nil), users...)
		sort.Strings(sorted)
		return clash(name, addr, sorted)
	}
	return nil
}

// ReadData implements providers.Provider.
func (p *Provider) ReadData(ctx context.Context, req providers.ReadDataRequest) providers.ReadDataResponse {
	res := make([]providers.ReadDataResult, len(req.Items))
	snap, err := p.c.load(ctx)
	if err != nil {
		return providers.ReadDataResponse{Results: res, Diagnostics: providers.Diagnostics{providers.FromError("Cannot read the directory", err)}}
	}
	for i, it := range req.Items {
		switch it.Type {
		case "directory_user":
			u := snap.users[str(it.Config.GetAttr("uid"))]
			if u == nil {
				res[i].Diagnostics = providers.Diagnostics{providers.Errorf(cty.GetAttrPath("uid"), "No such user", "the directory has no user %q", str(it.Config.GetAttr("uid")))}
				continue
			}
			res[i].State = cty.ObjectVal(map[string]cty.Value{
				"uid": cty.StringVal(u.uid), "dn": cty.StringVal(u.dn), "full_name": cty.StringVal(u.cn),
				"email": cty.StringVal(u.mail), "department": cty.StringVal(u.department),
				"uid_number": cty.NumberIntVal(int64(u.uidNumber)), "groups": strSet(snap.groupsOf(u.uid, nil)),
				"enabled": cty.BoolVal(p.enabled(u)),
			})
		case "directory_group":
			g := snap.groups[strings.ToLower(str(it.Config.GetAttr("name")))]
			if g == nil {
				res[i].Diagnostics = providers.Diagnostics{providers.Errorf(cty.GetAttrPath("name"), "No such group", "the directory has no group %q", str(it.Config.GetAttr("name")))}
				continue
			}
			res[i].State = cty.ObjectVal(map[string]cty.Value{
				"name": cty.StringVal(g.cn), "dn": cty.StringVal(g.dn), "members": strSet(g.members),
				"gid_number": cty.NumberIntVal(int64(g.gidNumber)),
			})
		}
	}
	return providers.ReadDataResponse{Results: res}
}

// Import implements providers.Provider: ids are the uid of a user, the name
// of a group, or the DN of an OU.
func (p *Provider) Import(ctx context.Context, req providers.ImportRequest) providers.ImportResponse {
	res := make([]providers.ImportResult, len(req.Items))
	snap, err := p.c.load(ctx)
	if err != nil {
		return providers.ImportResponse{Results: res, Diagnostics: providers.Diagnostics{providers.FromError("Cannot read the directory", err)}}
	}
	for i, it := range req.Items {
		var prior cty.Value
		ty := p.schema.Resources[it.Type].ImpliedType()
		attrs := map[string]cty.Value{}
		for name, at := range ty.AttributeTypes() {
			attrs[name] = cty.NullVal(at)
		}
		switch it.Type {
		case "directory_user":
			attrs["uid"] = cty.StringVal(it.ID)
		case "directory_group":
			attrs["name"] = cty.StringVal(it.ID)
			attrs["members"] = cty.SetValEmpty(cty.String) // adopt the members too
		case "directory_ou":
			attrs["dn"] = cty.StringVal(it.ID)
		}
		prior = cty.ObjectVal(attrs)
		v := p.current(snap, it.Type, prior, nil)
		if v.IsNull() {
			res[i].Diagnostics = providers.Diagnostics{providers.Errorf(nil, "Object not found", "the directory has no %s %q", strings.TrimPrefix(it.Type, "directory_"), it.ID)}
			continue
		}
		res[i].State = v
	}
	return providers.ImportResponse{Results: res}
}

// List implements providers.Provider, for `steward discover directory`.
func (p *Provider) List(ctx context.Context, req providers.ListRequest) providers.ListResponse {
	snap, err := p.c.load(ctx)
	if err != nil {
		return providers.ListResponse{Diagnostics: providers.Diagnostics{providers.FromError("Cannot read the directory", err)}}
	}
	var out []providers.ListedObject
	switch req.Type {
	case "directory_user":
		for uid, u := range snap.users {
			out = append(out, providers.ListedObject{ID: uid, Name: uid, State: p.s.userValue(u, snap.groupsOf(uid, nil), p.enabled(u))})
		}
	case "directory_group":
		for _, g := range snap.groups {
			out = append(out, providers.ListedObject{ID: g.cn, Name: g.cn, State: p.s.groupValue(g)})
		}
	case "directory_ou":
		for _, o := range snap.ous {
			out = append(out, providers.ListedObject{ID: o.dn, Name: o.name, State: p.s.ouValue(o)})
		}
	default:
		return providers.ListResponse{Diagnostics: providers.Diagnostics{providers.Errorf(nil, "Unknown resource type", "%s", req.Type)}}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return providers.ListResponse{Objects: out}
}

// withCanonicalDN shows a DN the way steward plans it when the server's
// spelling differs only in case or spacing, so that the server's
// normalisation never shows as drift.
func withCanonicalDN(v cty.Value, have, canonical string) cty.Value {
	if have != canonical && normDN(have) == normDN(canonical) {
		return withAttr(v, "dn", cty.StringVal(canonical))
	}
	return v
}

func withAttr(v cty.Value, name string, nv cty.Value) cty.Value {
	attrs := v.AsValueMap()
	attrs[name] = nv
	return cty.ObjectVal(attrs)
}
