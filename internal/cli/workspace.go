package cli

import (
	"context"
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/stewardhq/steward/engine/state/backend"
	"github.com/stewardhq/steward/internal/ui"
)

// NewCmdWorkspace builds `steward workspace` and its subcommands.
func NewCmdWorkspace(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "workspace <subcommand>",
		Short: "Keep several states for one configuration",
		Long: `A workspace is one state of the configuration: one per site, say. Every
configuration has the workspace "default"; others are created with
"workspace new". The selected workspace is recorded in .steward/workspace;
-workspace=NAME or STEWARD_WORKSPACE choose another for one command.

Local state keeps a workspace NAME in steward.state.d/NAME/steward.state.json
(default stays in steward.state.json); PostgreSQL keeps them side by side.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(
		newCmdWorkspaceList(f),
		newCmdWorkspaceShow(f),
		newCmdWorkspaceNew(f),
		newCmdWorkspaceSelect(f),
		newCmdWorkspaceDelete(f),
	)
	return cmd
}

// withBackend opens the configured backend for a workspace command.
func withBackend(ctx context.Context, f *Factory, run func(b backend.Backend, current string) error) error {
	b, settings, err := f.openBackend(nil, nil)
	if err != nil {
		return err
	}
	defer b.Close()
	current, err := f.currentWorkspace(settings)
	if err != nil {
		return err
	}
	return run(b, current)
}

func newCmdWorkspaceList(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the workspaces, marking the current one with *",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return withBackend(cmd.Context(), f, func(b backend.Backend, current string) error {
				names, err := b.Workspaces(cmd.Context())
				if err != nil {
					return err
				}
				return ui.RenderWorkspaceList(f.IO.Out, names, current)
			})
		},
	}
}

func newCmdWorkspaceShow(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "show",
		Short: "Print the current workspace's name",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			settings, err := f.stateSettings(nil, nil)
			if err != nil {
				return err
			}
			name, err := f.currentWorkspace(settings)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(f.IO.Out, name)
			return err
		},
	}
}

func newCmdWorkspaceNew(f *Factory) *cobra.Command {
	var noSelect bool
	cmd := &cobra.Command{
		Use:   "new NAME",
		Short: "Create an empty workspace and select it",
		Args:  exactArgs(1, "the new workspace's name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withBackend(cmd.Context(), f, func(b backend.Backend, _ string) error {
				if err := b.CreateWorkspace(cmd.Context(), args[0]); err != nil {
					return err
				}
				fmt.Fprintf(f.IO.Out, "Created workspace %q in %s.\n", args[0], b)
				if noSelect {
					return nil
				}
				if err := f.selectWorkspace(args[0]); err != nil {
					return err
				}
				fmt.Fprintf(f.IO.Out, "Switched to workspace %q: its state is empty.\n", args[0])
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&noSelect, "no-select", false, "Create the workspace but stay in the current one")
	return cmd
}

func newCmdWorkspaceSelect(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "select NAME",
		Short: "Make a workspace the current one for this working directory",
		Args:  exactArgs(1, "the workspace's name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withBackend(cmd.Context(), f, func(b backend.Backend, _ string) error {
				names, err := b.Workspaces(cmd.Context())
				if err != nil {
					return err
				}
				if !slices.Contains(names, args[0]) {
					return fmt.Errorf("workspace %q does not exist in %s; create it with `steward workspace new %s`", args[0], b, args[0])
				}
				if err := f.selectWorkspace(args[0]); err != nil {
					return err
				}
				fmt.Fprintf(f.IO.Out, "Switched to workspace %q.\n", args[0])
				return nil
			})
		},
	}
}

func newCmdWorkspaceDelete(f *Factory) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "delete NAME",
		Short: "Delete a workspace and its state",
		Long: `Delete a workspace. It refuses the current workspace and "default", and a
workspace whose state still records objects unless -force is given: those
objects would stay in place with nothing managing them.`,
		Args: exactArgs(1, "the workspace's name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			ctx := cmd.Context()
			return withBackend(ctx, f, func(b backend.Backend, current string) error {
				if name == backend.DefaultWorkspace {
					return fmt.Errorf("the workspace %q cannot be deleted", name)
				}
				if name == current {
					return fmt.Errorf("workspace %q is the current workspace; select another first (steward workspace select default)", name)
				}
				names, err := b.Workspaces(ctx)
				if err != nil {
					return err
				}
				if !slices.Contains(names, name) {
					return fmt.Errorf("workspace %q does not exist in %s", name, b)
				}
				st, err := b.Store(name).Read(ctx)
				if err != nil {
					return err
				}
				if st != nil && len(st.Resources) > 0 && !force {
					return fmt.Errorf("workspace %q still records %d %s; destroy them first (steward -workspace=%s destroy), or delete anyway with -force and manage them by hand", name, len(st.Resources), plural(len(st.Resources), "resource", "resources"), name)
				}
				if err := b.DeleteWorkspace(ctx, name); err != nil {
					return err
				}
				fmt.Fprintf(f.IO.Out, "Deleted workspace %q.\n", name)
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "Delete even if the state still records objects")
	return cmd
}
