package cli

import (
	"context"
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/stewardhq/steward/engine/state/backend"
	"github.com/stewardhq/steward/internal/ui"
)

// WorkspaceOptions are the inputs of the `steward workspace` subcommands.
type WorkspaceOptions struct {
	// Action is "list", "show", "new", "select" or "delete".
	Action string
	// Name is the workspace new, select and delete act on.
	Name string
	// Force lets delete remove a workspace whose state records objects.
	Force bool
	// NoSelect keeps new from selecting the workspace it creates.
	NoSelect bool

	f   *Factory
	ctx context.Context
}

// NewCmdWorkspace builds `steward workspace` and its subcommands.
func NewCmdWorkspace(f *Factory, runF func(*WorkspaceOptions) error) *cobra.Command {
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
	sub := func(action, use, short, long string, args cobra.PositionalArgs, flags func(*cobra.Command, *WorkspaceOptions)) *cobra.Command {
		opts := &WorkspaceOptions{Action: action, f: f}
		c := &cobra.Command{
			Use: use, Short: short, Long: long, Args: args,
			RunE: func(cmd *cobra.Command, args []string) error {
				opts.ctx = cmd.Context()
				if len(args) > 0 {
					opts.Name = args[0]
				}
				if runF != nil {
					return runF(opts)
				}
				return workspaceRun(opts)
			},
		}
		if flags != nil {
			flags(c, opts)
		}
		return c
	}
	cmd.AddCommand(
		sub("list", "list", "List the workspaces, marking the current one with *", "", noArgs, nil),
		sub("show", "show", "Print the current workspace's name", "", noArgs, nil),
		sub("new", "new NAME", "Create an empty workspace and select it", "", exactArgs(1, "the new workspace's name"),
			func(c *cobra.Command, o *WorkspaceOptions) {
				c.Flags().BoolVar(&o.NoSelect, "no-select", false, "Create the workspace but stay in the current one")
			}),
		sub("select", "select NAME", "Make a workspace the current one for this working directory", "", exactArgs(1, "the workspace's name"), nil),
		sub("delete", "delete NAME", "Delete a workspace and its state",
			`Delete a workspace. It refuses the current workspace and "default", and a
workspace whose state still records objects unless -force is given: those
objects would stay in place with nothing managing them.`,
			exactArgs(1, "the workspace's name"),
			func(c *cobra.Command, o *WorkspaceOptions) {
				c.Flags().BoolVar(&o.Force, "force", false, "Delete even if the state still records objects")
			}),
	)
	return cmd
}

func workspaceRun(opts *WorkspaceOptions) error {
	f, ctx := opts.f, opts.ctx
	if opts.Action == "show" {
		// Needs no connection: only the settings and the selection.
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
	}
	b, settings, err := f.openBackend(nil, nil)
	if err != nil {
		return err
	}
	defer b.Close()
	current, err := f.currentWorkspace(settings)
	if err != nil {
		return err
	}
	switch opts.Action {
	case "list":
		names, err := b.Workspaces(ctx)
		if err != nil {
			return err
		}
		return ui.RenderWorkspaceList(f.IO.Out, names, current)
	case "new":
		if err := b.CreateWorkspace(ctx, opts.Name); err != nil {
			return err
		}
		fmt.Fprintf(f.IO.Out, "Created workspace %q in %s.\n", opts.Name, b)
		if opts.NoSelect {
			return nil
		}
		if err := f.selectWorkspace(opts.Name); err != nil {
			return err
		}
		fmt.Fprintf(f.IO.Out, "Switched to workspace %q: its state is empty.\n", opts.Name)
		return nil
	case "select":
		if err := workspaceExists(ctx, b, opts.Name); err != nil {
			return fmt.Errorf("%w; create it with `steward workspace new %s`", err, opts.Name)
		}
		if err := f.selectWorkspace(opts.Name); err != nil {
			return err
		}
		fmt.Fprintf(f.IO.Out, "Switched to workspace %q.\n", opts.Name)
		return nil
	case "delete":
		return workspaceDelete(opts, b, current)
	}
	return fmt.Errorf("unknown workspace action %q", opts.Action)
}

func workspaceExists(ctx context.Context, b backend.Backend, name string) error {
	names, err := b.Workspaces(ctx)
	if err != nil {
		return err
	}
	if !slices.Contains(names, name) {
		return fmt.Errorf("workspace %q does not exist in %s", name, b)
	}
	return nil
}

func workspaceDelete(opts *WorkspaceOptions, b backend.Backend, current string) error {
	f, ctx, name := opts.f, opts.ctx, opts.Name
	if name == backend.DefaultWorkspace {
		return fmt.Errorf("the workspace %q cannot be deleted", name)
	}
	if name == current {
		return fmt.Errorf("workspace %q is the current workspace; select another first (steward workspace select default)", name)
	}
	if err := workspaceExists(ctx, b, name); err != nil {
		return err
	}
	st, err := b.Store(name).Read(ctx)
	if err != nil {
		return err
	}
	if st != nil && len(st.Resources) > 0 && !opts.Force {
		return fmt.Errorf("workspace %q still records %d %s; destroy them first (steward -workspace=%s destroy), or delete anyway with -force and manage them by hand", name, len(st.Resources), plural(len(st.Resources), "resource", "resources"), name)
	}
	if err := b.DeleteWorkspace(ctx, name); err != nil {
		return err
	}
	fmt.Fprintf(f.IO.Out, "Deleted workspace %q.\n", name)
	return nil
}
