package ui

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/stewardhq/steward/engine/state"
)

// RenderStateHistoryText writes the kept versions of a state as a table,
// newest first.
func RenderStateHistoryText(w io.Writer, versions []state.Version) error {
	if len(versions) == 0 {
		_, err := fmt.Fprintln(w, "No state has been stored yet.")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SERIAL\tWRITTEN (UTC)\tBY\tSIZE\tLINEAGE")
	for _, v := range versions {
		when := "-"
		if !v.Created.IsZero() {
			when = v.Created.UTC().Format(time.DateTime)
		}
		by := v.CreatedBy
		if by == "" {
			by = "-"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%s\n", v.Serial, when, by, v.Size, v.Lineage)
	}
	return tw.Flush()
}

// RenderStateHistoryJSON writes the kept versions as a JSON array, newest
// first.
func RenderStateHistoryJSON(w io.Writer, versions []state.Version) error {
	if versions == nil {
		versions = []state.Version{}
	}
	out, err := json.MarshalIndent(versions, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(out, '\n'))
	return err
}

// RenderWorkspaceList writes workspace names one a line, the current one
// marked with '*' as version-control tools mark the current branch.
func RenderWorkspaceList(w io.Writer, names []string, current string) error {
	for _, n := range names {
		mark := "  "
		if n == current {
			mark = "* "
		}
		if _, err := fmt.Fprintln(w, mark+n); err != nil {
			return err
		}
	}
	return nil
}
