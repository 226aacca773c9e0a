package archiver

import (
	"fmt"
	"path/filepath"
	"strings"
)

// excluder decides which paths a backup skips. A pattern is a
// filepath.Match glob, tried against:
//   - the full absolute path ("/srv/data/cache" matches only that path,
//     "/srv/*/cache" one level below /srv);
//   - the base name ("*.tmp", "node_modules");
//   - for a relative pattern with a slash ("cache/*.bin"), every trailing
//     run of path components, so it matches at any depth like restic's.
//
// An excluded directory is skipped with everything below it.
type excluder struct {
	patterns []string
}

func newExcluder(patterns []string) (*excluder, error) {
	for _, p := range patterns {
		if _, err := filepath.Match(p, ""); err != nil {
			return nil, fmt.Errorf("exclude pattern %q: %w", p, err)
		}
	}
	return &excluder{patterns: patterns}, nil
}

func (e *excluder) excluded(path string) bool {
	if len(e.patterns) == 0 {
		return false
	}
	base := filepath.Base(path)
	for _, p := range e.patterns {
		if ok, _ := filepath.Match(p, path); ok {
			return true
		}
		if ok, _ := filepath.Match(p, base); ok {
			return true
		}
		if !strings.HasPrefix(p, "/") && strings.Contains(p, "/") {
			for i := 0; i < len(path); i++ {
				if path[i] != '/' {
					continue
				}
				if ok, _ := filepath.Match(p, path[i+1:]); ok {
					return true
				}
			}
		}
	}
	return false
}
