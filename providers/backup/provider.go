package backup

import (
	"context"
	"os"
	"sync"

	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/providers"
	"github.com/stewardhq/steward/providers/backup/backend"
	"github.com/stewardhq/steward/providers/backup/backend/location"
	"github.com/stewardhq/steward/providers/backup/crypto"
	"github.com/stewardhq/steward/schema"
)

// Name is the provider's name.
const Name = "backup"

// PasswordEnv is the environment variable the provider's password
// defaults to; `steward backup` commands read it too.
const PasswordEnv = "STEWARD_BACKUP_PASSWORD"

// Provider implements providers.Provider for backup repositories.
type Provider struct {
	schema *schema.Provider
	getenv func(string) string
	// kdf sets the password hashing costs of new repositories; nil means
	// the defaults.
	kdf *crypto.KDFParams
	// openBackend is OpenBackend; tests count the calls through it.
	openBackend func(ctx context.Context, loc string, opts location.Options) (backend.Backend, error)

	// password is the provider block's password, or the environment's.
	password string
	// sshKeyFile and knownHostsFile reach SFTP repositories.
	sshKeyFile, knownHostsFile string

	// mu guards learned.
	mu sync.Mutex
	// learned holds the passwords backup_repository resources were
	// created or updated with in this run, by location, so that policies
	// applied with them can open their repository.
	learned map[string]string
}

var _ providers.Provider = (*Provider)(nil)

// New returns an unconfigured backup provider that reads the process
// environment.
func New() (providers.Provider, error) { return NewWith(Options{}), nil }

// Options adjust a provider for tests.
type Options struct {
	// Getenv reads the environment; os.Getenv when nil.
	Getenv func(string) string
	// KDF sets the password hashing costs of repositories the provider
	// creates (tests use crypto.MinimalKDFParams); nil means the defaults.
	KDF *crypto.KDFParams
}

// NewWith returns an unconfigured backup provider with opts.
func NewWith(opts Options) *Provider {
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	return &Provider{schema: providerSchema(), getenv: opts.Getenv, kdf: opts.KDF, openBackend: OpenBackend, learned: map[string]string{}}
}

// Schema implements providers.Provider.
func (p *Provider) Schema() *schema.Provider { return p.schema }

// Configure implements providers.Provider.
func (p *Provider) Configure(_ context.Context, req providers.ConfigureRequest) providers.Diagnostics {
	p.password = str(req.Config.GetAttr("password"))
	if p.password == "" {
		p.password = p.getenv(PasswordEnv)
	}
	p.sshKeyFile = str(req.Config.GetAttr("ssh_key_file"))
	p.knownHostsFile = str(req.Config.GetAttr("known_hosts_file"))
	return nil
}

// Close implements providers.Provider.
func (p *Provider) Close() error { return nil }

// passwordFor returns the password for the repository at location, or ""
// when there is none (see the package documentation for the order).
func (p *Provider) passwordFor(location string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if pw, ok := p.learned[cleanLocation(location)]; ok {
		return pw
	}
	return p.password
}

func (p *Provider) learn(location, password string) {
	if password == "" {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.learned[cleanLocation(location)] = password
}

func noPassword(location string) providers.Diagnostic {
	return providers.Errorf(nil, "No repository password",
		"steward needs the password of the repository at %s to read and write its policies: set password in the provider \"backup\" block (from a sensitive variable) or STEWARD_BACKUP_PASSWORD in the environment.", location)
}

// Discover implements providers.Provider: one probe per repository, and
// one read of the policies per repository that has policies to discover.
func (p *Provider) Discover(ctx context.Context, req providers.DiscoverRequest) providers.DiscoverResponse {
	res := make([]providers.DiscoverResult, len(req.Items))
	probes := map[string]*probeResult{}
	probe := func(location string) *probeResult {
		key := cleanLocation(location)
		if pr, ok := probes[key]; ok {
			return pr
		}
		pr := &probeResult{}
		pr.info, pr.exists, pr.err = p.probeRepo(ctx, location)
		probes[key] = pr
		return pr
	}
	policies := map[string]*policiesResult{}
	var warnings providers.Diagnostics
	for i, it := range req.Items {
		switch it.Type {
		case RepositoryType:
			loc := repositoryLocation(it.Prior)
			pr := probe(loc)
			switch {
			case pr.err != nil:
				res[i].Diagnostics = providers.Diagnostics{providers.FromError("Cannot reach the repository", pr.err)}
				res[i].Current = it.Prior
			case !pr.exists:
				res[i].Current = cty.NullVal(it.Prior.Type())
			default:
				res[i].Current = repositoryValue(it.Prior, pr.info)
			}
		case PolicyType:
			loc := str(it.Prior.GetAttr("repository"))
			pr := probe(loc)
			if pr.err != nil {
				res[i].Diagnostics = providers.Diagnostics{providers.FromError("Cannot reach the repository", pr.err)}
				res[i].Current = it.Prior
				continue
			}
			if !pr.exists {
				res[i].Current = cty.NullVal(it.Prior.Type())
				continue
			}
			key := cleanLocation(loc)
			pol, ok := policies[key]
			if !ok {
				pol = &policiesResult{}
				pol.byName, pol.diag = p.readPolicies(ctx, loc)
				policies[key] = pol
			}
			if pol.diag != nil {
				res[i].Current = it.Prior
				if pol.diag.Severity == providers.Error {
					res[i].Diagnostics = providers.Diagnostics{*pol.diag}
				} else if !pol.reported {
					// Once per repository, for the whole request: the
					// engine shows warnings of the request, not of items.
					pol.reported = true
					warnings = append(warnings, *pol.diag)
				}
				continue
			}
			stored, ok := pol.byName[str(it.Prior.GetAttr("name"))]
			if !ok {
				res[i].Current = cty.NullVal(it.Prior.Type())
				continue
			}
			res[i].Current = policyValue(it.Prior.Type(), loc, stored, it.Prior)
		default:
			res[i].Current = it.Prior
		}
	}
	return providers.DiscoverResponse{Results: res, Diagnostics: warnings}
}

type probeResult struct {
	info   repoInfo
	exists bool
	err    error
}

type policiesResult struct {
	byName   map[string]Policy
	diag     *providers.Diagnostic
	reported bool
}

// readPolicies opens the repository at location and reads its policies.
func (p *Provider) readPolicies(ctx context.Context, location string) (map[string]Policy, *providers.Diagnostic) {
	pw := p.passwordFor(location)
	if pw == "" {
		// Plans still work, as they did when the policies were created
		// with the repository's own password; the reader is told what
		// was not checked.
		d := providers.Warnf(nil, "Policies not compared with the repository",
			"steward has no password to read the policies stored in the repository at %s, so changes made there outside steward are not shown, and changing a policy will fail. Set password in the provider \"backup\" block (from a sensitive variable) or STEWARD_BACKUP_PASSWORD in the environment.", location)
		return nil, &d
	}
	r, err := p.openHandle(ctx, location, pw)
	if err != nil {
		d := providers.FromError("Cannot open the repository", err)
		return nil, &d
	}
	defer r.close()
	byName, err := r.policies(ctx)
	if err != nil {
		d := providers.FromError("Cannot read the repository's policies", err)
		return nil, &d
	}
	return byName, nil
}

// PlanChanges implements providers.Provider; it does no I/O.
func (p *Provider) PlanChanges(_ context.Context, req providers.PlanRequest) providers.PlanResponse {
	res := make([]providers.PlanResult, len(req.Items))
	for i, it := range req.Items {
		switch it.Type {
		case RepositoryType:
			res[i].Planned, res[i].Diagnostics = p.planRepository(it)
		case PolicyType:
			res[i].Planned, res[i].Diagnostics = p.planPolicy(it)
			if !res[i].Diagnostics.HasErrors() {
				res[i].Summary = policySummary(it.Prior, res[i].Planned)
			}
		default:
			res[i].Planned = it.Proposed
		}
	}
	return providers.PlanResponse{Results: res}
}

// ReadData implements providers.Provider; the provider has no data sources.
func (p *Provider) ReadData(_ context.Context, req providers.ReadDataRequest) providers.ReadDataResponse {
	return providers.ReadDataResponse{Results: make([]providers.ReadDataResult, len(req.Items))}
}

// ApplyChanges implements providers.Provider. Repositories are applied
// before policies (a policy needs its repository), and each repository is
// opened once for all the policies stored in it.
func (p *Provider) ApplyChanges(ctx context.Context, req providers.ApplyRequest) providers.ApplyResponse {
	res := make([]providers.ApplyResult, len(req.Items))
	for i, it := range req.Items {
		if it.Type == RepositoryType {
			res[i] = p.applyRepository(ctx, it)
		}
	}
	sessions := map[string]*policySession{}
	defer func() {
		for _, s := range sessions {
			if s.repo != nil {
				s.repo.close()
			}
		}
	}()
	for i, it := range req.Items {
		if it.Type != PolicyType {
			continue
		}
		if failedDependency(res, it.DependsOn) {
			res[i] = providers.ApplyResult{New: it.Prior, Diagnostics: providers.Diagnostics{providers.Errorf(nil, "Not applied", "the repository this policy is stored in could not be created")}}
			continue
		}
		res[i] = p.applyPolicy(ctx, it, sessions)
	}
	return providers.ApplyResponse{Results: res}
}

func failedDependency(res []providers.ApplyResult, deps []int) bool {
	for _, d := range deps {
		if d < len(res) && res[d].Diagnostics.HasErrors() {
			return true
		}
	}
	return false
}

// Import implements providers.Provider: a repository's id is its location;
// a policy's is LOCATION#NAME.
func (p *Provider) Import(ctx context.Context, req providers.ImportRequest) providers.ImportResponse {
	res := make([]providers.ImportResult, len(req.Items))
	for i, it := range req.Items {
		switch it.Type {
		case RepositoryType:
			res[i] = p.importRepository(ctx, it.ID)
		case PolicyType:
			res[i] = p.importPolicy(ctx, it.ID)
		default:
			res[i].Diagnostics = providers.Diagnostics{providers.Errorf(nil, "Unknown resource type", "%s", it.Type)}
		}
	}
	return providers.ImportResponse{Results: res}
}

// List implements providers.Provider. Repositories are not discoverable:
// there is no place to list them from.
func (p *Provider) List(_ context.Context, req providers.ListRequest) providers.ListResponse {
	return providers.ListResponse{Diagnostics: providers.Diagnostics{providers.Errorf(nil, "Not listable",
		"%s objects cannot be listed: steward cannot know where repositories are. Import one by its location instead.", req.Type)}}
}

func nullObject(ty cty.Type) cty.Value {
	attrs := map[string]cty.Value{}
	for name, at := range ty.AttributeTypes() {
		attrs[name] = cty.NullVal(at)
	}
	return cty.ObjectVal(attrs)
}
