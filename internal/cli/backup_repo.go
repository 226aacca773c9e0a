package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/stewardhq/steward/providers/backup"
	"github.com/stewardhq/steward/providers/backup/backend"
	"github.com/stewardhq/steward/providers/backup/repository"
)

// openRepository opens the repository the flags name, with its password.
// The caller closes it with closeRepository.
func openRepository(ctx context.Context, f *Factory, rf *RepoFlags) (*repository.Repository, error) {
	loc, err := rf.location(f)
	if err != nil {
		// In a steward working directory whose state has exactly one
		// repository, that is the one meant.
		locs, serr := stateRepositoryLocations(ctx, f)
		switch {
		case serr != nil:
			return nil, serr
		case len(locs) == 0:
			return nil, errNoRepository
		case len(locs) > 1:
			return nil, flagErrorf("the state has %d backup repositories; give --repo with one of: %s", len(locs), strings.Join(locs, ", "))
		}
		loc = locs[0]
	}
	return openRepositoryAt(ctx, f, rf, loc)
}

func openRepositoryAt(ctx context.Context, f *Factory, rf *RepoFlags, loc string) (*repository.Repository, error) {
	be, err := backup.OpenBackend(ctx, repoPath(f, loc), rf.sshOptions(f))
	if err != nil {
		return nil, err
	}
	// A missing repository is reported before asking for a password that
	// could not help.
	if _, err := repository.Probe(ctx, be); err != nil {
		be.Close()
		return nil, repoError(loc, err)
	}
	pw, err := rf.password(f, "Password of the repository at "+loc+": ")
	if err != nil {
		be.Close()
		return nil, err
	}
	r, err := repository.Open(ctx, be, []byte(pw), repository.OpenOptions{KDF: f.BackupKDF})
	if err != nil {
		be.Close()
		return nil, repoError(loc, err)
	}
	return r, nil
}

// closeRepository releases the repository's locks and its backend.
func closeRepository(r *repository.Repository) {
	r.Close()
	r.Backend().Close()
}

// repoError words the repository library's errors for the person at the
// terminal, with the exit codes scripts can tell apart.
func repoError(loc string, err error) error {
	switch {
	case errors.Is(err, repository.ErrNoRepository), errors.Is(err, backend.ErrNotExist):
		return &CodedError{Code: ExitNoRepository, Err: fmt.Errorf("there is no backup repository at %s (create one with steward backup init --repo %s)", loc, loc)}
	case errors.Is(err, repository.ErrWrongPassword):
		return &CodedError{Code: ExitWrongPassword, Err: fmt.Errorf("wrong password: the password given does not open the repository at %s (it came from --password-file, %s or the prompt, in that order)", loc, backupPasswordEnv)}
	case errors.Is(err, repository.ErrLocked):
		return &CodedError{Code: ExitRepositoryLocked, Err: fmt.Errorf("%w; try again once it finishes", err)}
	}
	return fmt.Errorf("repository %s: %w", loc, err)
}

// repoPath resolves a relative repository directory against the working
// directory; URLs are left as they are.
func repoPath(f *Factory, loc string) string {
	if strings.Contains(loc, "://") {
		return loc
	}
	return f.Path(loc)
}

// getenv reads the factory's environment.
func (f *Factory) getenv(name string) string { return lookupEnv(f.Environ, name) }
