package backup

import (
	"context"
	"path/filepath"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/providers"
)

// repositoryLocation is the location a backup_repository object names.
func repositoryLocation(v cty.Value) string {
	if p := str(v.GetAttr("path")); p != "" {
		return p
	}
	return str(v.GetAttr("url"))
}

// cleanLocation makes equal locations compare equal: a path is cleaned, a
// URL kept as written.
func cleanLocation(loc string) string {
	if strings.Contains(loc, "://") {
		return strings.TrimSuffix(loc, "/")
	}
	return filepath.Clean(loc)
}

func sameLocation(a, b string) bool { return cleanLocation(a) == cleanLocation(b) }

// repositoryValue is prior as the repository really is.
func repositoryValue(prior cty.Value, info repoInfo) cty.Value {
	attrs := prior.AsValueMap()
	attrs["password"] = cty.NullVal(cty.String)
	attrs["id"] = cty.StringVal(info.ID)
	attrs["format_version"] = cty.NumberIntVal(int64(info.FormatVersion))
	if info.Compression != "" {
		attrs["compression"] = cty.StringVal(info.Compression)
	}
	if info.PackSizeMiB > 0 {
		attrs["pack_size"] = cty.NumberIntVal(int64(info.PackSizeMiB))
	}
	return cty.ObjectVal(attrs)
}

func (p *Provider) planRepository(it providers.PlanItem) (cty.Value, providers.Diagnostics) {
	v := it.Proposed
	if v.IsNull() || !v.IsKnown() {
		return v, nil
	}
	path, url := it.Config.GetAttr("path"), it.Config.GetAttr("url")
	if path.IsNull() == url.IsNull() {
		return v, providers.Diagnostics{providers.Errorf(nil, "Invalid repository location",
			"set exactly one of path (a directory on this machine) and url (sftp://user@host/dir) to say where the repository is")}
	}
	if path.IsKnown() && !path.IsNull() && !filepath.IsAbs(path.AsString()) {
		return v, providers.Diagnostics{providers.Errorf(cty.GetAttrPath("path"), "Relative repository path",
			"%q is relative: give an absolute path, so that steward backup run finds the repository from any directory", path.AsString())}
	}
	if url.IsKnown() && !url.IsNull() && !strings.Contains(url.AsString(), "://") {
		return v, providers.Diagnostics{providers.Errorf(cty.GetAttrPath("url"), "Invalid repository URL",
			"%q is not a URL such as sftp://backup@nas.example.org/srv/backup; use path for a local directory", url.AsString())}
	}
	var diags providers.Diagnostics
	pw := it.Config.GetAttr("password")
	if pw.IsKnown() && pw.IsNull() && p.password == "" {
		diags = append(diags, providers.Errorf(cty.GetAttrPath("password"), "No repository password",
			"a repository needs a password: set password here or in the provider \"backup\" block (from a sensitive variable), or STEWARD_BACKUP_PASSWORD in the environment"))
	}
	// A new location replaces the repository: a new one is created there.
	moved := !it.Prior.IsNull() && (!v.GetAttr("path").RawEquals(it.Prior.GetAttr("path")) || !v.GetAttr("url").RawEquals(it.Prior.GetAttr("url")))
	if !it.Prior.IsNull() && !moved {
		for _, name := range []string{"compression", "pack_size"} {
			if nv, pv := v.GetAttr(name), it.Prior.GetAttr(name); nv.IsKnown() && !nv.RawEquals(pv) {
				diags = append(diags, providers.Errorf(cty.GetAttrPath(name), "Setting fixed at creation",
					"%s is chosen when a repository is created and is kept in its encrypted configuration; it cannot be changed for the existing repository at %s. Keep the old value, or create a new repository at another location.", name, repositoryLocation(it.Prior)))
			}
		}
	}
	attrs := v.AsValueMap()
	attrs["password"] = cty.NullVal(cty.String)
	if it.Prior.IsNull() || moved {
		attrs["id"] = cty.UnknownVal(cty.String)
		attrs["format_version"] = cty.UnknownVal(cty.Number)
	}
	return cty.ObjectVal(attrs), diags
}

func (p *Provider) applyRepository(ctx context.Context, it providers.ApplyItem) providers.ApplyResult {
	switch it.Action {
	case providers.Delete:
		loc := repositoryLocation(it.Prior)
		return providers.ApplyResult{New: cty.NullVal(it.Prior.Type()), Diagnostics: providers.Diagnostics{providers.Warnf(nil, "Repository kept",
			"steward no longer manages the repository at %s, but it is still there with all its backups: destroying a backup_repository never deletes backups. Delete the directory by hand if that is really meant.", loc)}}
	case providers.Create:
		return p.createRepository(ctx, it)
	}
	// Update: only the password can change in place (compression and
	// pack size are refused when planning). A new password is added as a
	// key, opened with the provider's; the old key stays until
	// "steward backup key remove".
	loc := repositoryLocation(it.Planned)
	pw := str(it.Config.GetAttr("password"))
	if pw == "" {
		pw = p.passwordFor(loc)
	}
	if pw == "" {
		return providers.ApplyResult{New: it.Prior, Diagnostics: providers.Diagnostics{noPassword(loc)}}
	}
	info, err := p.ensurePassword(ctx, loc, pw, p.password)
	if err != nil {
		return providers.ApplyResult{New: it.Prior, Diagnostics: providers.Diagnostics{providers.FromError("Cannot change the repository's password", err)}}
	}
	p.learn(loc, pw)
	return providers.ApplyResult{New: repositoryValue(it.Planned, info)}
}

func (p *Provider) createRepository(ctx context.Context, it providers.ApplyItem) providers.ApplyResult {
	loc := repositoryLocation(it.Planned)
	fail := func(d providers.Diagnostic) providers.ApplyResult {
		return providers.ApplyResult{New: cty.NullVal(it.Planned.Type()), Diagnostics: providers.Diagnostics{d}}
	}
	info, exists, err := p.probeRepo(ctx, loc)
	if err != nil {
		return fail(providers.FromError("Cannot reach the repository", err))
	}
	if exists {
		return fail(providers.Errorf(nil, "Repository already exists",
			"there is already a repository at %s (id %s); steward does not initialise over it. To manage it, import it: add import { to = %s, id = %q } to the configuration, or run steward import %s %s.",
			loc, info.ID, it.Address, loc, it.Address, loc))
	}
	pw := str(it.Config.GetAttr("password"))
	if pw == "" {
		pw = p.passwordFor(loc)
	}
	if pw == "" {
		return fail(noPassword(loc))
	}
	info, err = p.initRepo(ctx, loc, pw, str(it.Planned.GetAttr("compression")), num(it.Planned.GetAttr("pack_size")))
	if err != nil {
		return fail(providers.FromError("Cannot create the repository", err))
	}
	p.learn(loc, pw)
	return providers.ApplyResult{New: repositoryValue(it.Planned, info)}
}

func (p *Provider) importRepository(ctx context.Context, location string) providers.ImportResult {
	info, exists, err := p.probeRepo(ctx, location)
	if err != nil {
		return providers.ImportResult{Diagnostics: providers.Diagnostics{providers.FromError("Cannot reach the repository", err)}}
	}
	if !exists {
		return providers.ImportResult{Diagnostics: providers.Diagnostics{providers.Errorf(nil, "Repository not found", "there is no repository at %s", location)}}
	}
	attrs := nullObject(p.schema.Resources[RepositoryType].ImpliedType()).AsValueMap()
	if strings.Contains(location, "://") {
		attrs["url"] = cty.StringVal(location)
	} else {
		attrs["path"] = cty.StringVal(location)
	}
	attrs["compression"] = cty.StringVal(DefaultCompression)
	attrs["pack_size"] = cty.NumberIntVal(DefaultPackSizeMiB)
	return providers.ImportResult{State: repositoryValue(cty.ObjectVal(attrs), info)}
}
