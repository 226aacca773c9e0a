package config

import (
	"fmt"

	"github.com/agext/levenshtein"
)

// didYouMean suggests the closest of the candidates to a mistyped name, as
// a sentence to append to a diagnostic's detail, or "" if none is close.
func didYouMean(given string, candidates []string) string {
	if s := Suggest(given, candidates); s != "" {
		return fmt.Sprintf(" Did you mean %q?", s)
	}
	return ""
}

// Suggest returns the candidate closest to given within a small edit
// distance, or "".
func Suggest(given string, candidates []string) string {
	best, bestDist := "", 3
	for _, c := range candidates {
		if d := levenshtein.Distance(given, c, nil); d < bestDist && d < len(given) {
			best, bestDist = c, d
		}
	}
	return best
}
