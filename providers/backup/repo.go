package backup

import (
	"context"
	"errors"
	"fmt"

	"github.com/stewardhq/steward/providers/backup/backend"
	"github.com/stewardhq/steward/providers/backup/backend/location"
	"github.com/stewardhq/steward/providers/backup/repository"
)

// repoInfo is what the provider records of a repository.
type repoInfo struct {
	ID            string
	FormatVersion int
	// Compression and PackSizeMiB are known only when the repository was
	// opened with its password; "" and 0 otherwise.
	Compression string
	PackSizeMiB int
}

// OpenBackend returns the backend for a repository location: a directory
// path, a file:// URL or an sftp:// URL, reached with opts.
func OpenBackend(ctx context.Context, loc string, opts location.Options) (backend.Backend, error) {
	be, err := location.Open(ctx, loc, opts)
	if err != nil {
		return nil, fmt.Errorf("opening the repository location: %w", err)
	}
	return be, nil
}

// probeRepo says whether there is a repository at location, without a
// password.
func (p *Provider) probeRepo(ctx context.Context, location string) (repoInfo, bool, error) {
	be, err := p.openBackend(ctx, location, p.sshOptions())
	if err != nil {
		return repoInfo{}, false, err
	}
	defer be.Close()
	info, err := repository.Probe(ctx, be)
	switch {
	case errors.Is(err, repository.ErrNoRepository):
		return repoInfo{}, false, nil
	case err != nil:
		return repoInfo{}, false, fmt.Errorf("probing %s: %w", location, err)
	}
	return repoInfo{ID: info.ID, FormatVersion: info.Version}, true, nil
}

// initRepo creates a repository.
func (p *Provider) initRepo(ctx context.Context, location, password, compression string, packSizeMiB int) (repoInfo, error) {
	be, err := p.openBackend(ctx, location, p.sshOptions())
	if err != nil {
		return repoInfo{}, err
	}
	defer be.Close()
	r, err := repository.Init(ctx, be, []byte(password), repository.InitOptions{
		Compression: repository.Compression(compression), PackSize: packSizeMiB << 20, KDF: p.kdf,
	})
	if err != nil {
		return repoInfo{}, fmt.Errorf("initialising %s: %w", location, err)
	}
	defer r.Close()
	return infoOf(r), nil
}

func infoOf(r *repository.Repository) repoInfo {
	cfg := r.Config()
	return repoInfo{ID: cfg.ID, FormatVersion: cfg.Version, Compression: string(cfg.Compression), PackSizeMiB: cfg.PackSize >> 20}
}

// ensurePassword makes password open the repository at location: when it
// does not yet, the repository is opened with oldPassword and password is
// added as a new key.
func (p *Provider) ensurePassword(ctx context.Context, location, password, oldPassword string) (repoInfo, error) {
	r, err := p.open(ctx, location, password)
	if err == nil {
		defer r.Close()
		return infoOf(r), nil
	}
	if !errors.Is(err, repository.ErrWrongPassword) || oldPassword == "" || oldPassword == password {
		return repoInfo{}, err
	}
	r, err = p.open(ctx, location, oldPassword)
	if err != nil {
		return repoInfo{}, fmt.Errorf("opening %s to add the new password: %w", location, err)
	}
	defer r.Close()
	if _, err := r.AddKey(ctx, []byte(password)); err != nil {
		return repoInfo{}, fmt.Errorf("adding the new password to %s: %w", location, err)
	}
	return infoOf(r), nil
}

// open opens the repository at location with password.
func (p *Provider) open(ctx context.Context, location, password string) (*repository.Repository, error) {
	be, err := p.openBackend(ctx, location, p.sshOptions())
	if err != nil {
		return nil, err
	}
	r, err := repository.Open(ctx, be, []byte(password), repository.OpenOptions{KDF: p.kdf})
	if err != nil {
		be.Close()
		if errors.Is(err, repository.ErrWrongPassword) {
			return nil, fmt.Errorf("the password does not open the repository at %s: %w", location, repository.ErrWrongPassword)
		}
		return nil, err
	}
	return r, nil
}

// repoHandle is a repository opened by the provider for its policies.
type repoHandle struct {
	repo *repository.Repository
}

func (p *Provider) openHandle(ctx context.Context, location, password string) (*repoHandle, error) {
	r, err := p.open(ctx, location, password)
	if err != nil {
		return nil, err
	}
	return &repoHandle{repo: r}, nil
}

func (h *repoHandle) close() {
	h.repo.Close()
	h.repo.Backend().Close()
}

// policies reads every policy stored in the repository, by name.
func (h *repoHandle) policies(ctx context.Context) (map[string]Policy, error) {
	return LoadPolicies(ctx, h.repo)
}

func (h *repoHandle) savePolicy(ctx context.Context, pol Policy) error {
	return SavePolicy(ctx, h.repo, pol)
}

func (h *repoHandle) removePolicy(ctx context.Context, name string) error {
	err := h.repo.RemovePolicy(ctx, name)
	if errors.Is(err, repository.ErrPolicyNotFound) {
		return nil // already gone: what was asked
	}
	return err
}

// LoadPolicies reads every policy stored in r, by name.
func LoadPolicies(ctx context.Context, r *repository.Repository) (map[string]Policy, error) {
	names, err := r.ListPolicies(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing policies: %w", err)
	}
	out := make(map[string]Policy, len(names))
	for _, name := range names {
		doc, err := r.LoadPolicy(ctx, name)
		if err != nil {
			return nil, fmt.Errorf("reading policy %q: %w", name, err)
		}
		pol, err := DecodePolicy(doc)
		if err != nil {
			return nil, fmt.Errorf("policy %q: %w", name, err)
		}
		out[name] = pol
	}
	return out, nil
}

// SavePolicy stores pol in r under its name, replacing an earlier version.
func SavePolicy(ctx context.Context, r *repository.Repository, pol Policy) error {
	doc, err := EncodePolicy(pol)
	if err != nil {
		return err
	}
	if err := r.SavePolicy(ctx, pol.Name, doc); err != nil {
		return fmt.Errorf("storing policy %q: %w", pol.Name, err)
	}
	return nil
}

// sshOptions are how the provider reaches SFTP repositories.
func (p *Provider) sshOptions() location.Options {
	return location.Options{KeyFile: p.sshKeyFile, KnownHostsFile: p.knownHostsFile, Password: p.getenv(location.PasswordEnv)}
}
