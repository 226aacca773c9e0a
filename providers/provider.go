package providers

import (
	"context"

	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/schema"
)

// Provider manages the objects of some kind of system. Implementations must
// be safe for concurrent use after Configure returns; the engine never calls
// Configure concurrently with anything else.
//
// Every batched request carries a slice of items and every response carries
// a slice of results of the same length and order. Values passed to a
// provider are unmarked: sensitive and write-only values arrive in clear so
// that the provider can use them; keeping them out of plans and state is the
// engine's job.
type Provider interface {
	// Schema describes the provider's configuration, resource types and data
	// sources. It is called before Configure and must not do I/O.
	Schema() *schema.Provider

	// Configure receives the provider block's evaluated configuration. Warnings
	// (for example about disabled certificate checks) are shown in the plan.
	Configure(ctx context.Context, req ConfigureRequest) Diagnostics

	// Discover reads the real state of many managed objects at once.
	Discover(ctx context.Context, req DiscoverRequest) DiscoverResponse

	// PlanChanges decides, for many objects at once, what applying the
	// configuration would produce and which changes force replacement. It
	// must be deterministic and should not need to do I/O.
	PlanChanges(ctx context.Context, req PlanRequest) PlanResponse

	// ApplyChanges carries out a batch of changes. Items arrive in an order
	// that respects their dependencies; a provider may reorder items for the
	// same target as long as DependsOn is honoured.
	ApplyChanges(ctx context.Context, req ApplyRequest) ApplyResponse

	// ReadData reads data sources.
	ReadData(ctx context.Context, req ReadDataRequest) ReadDataResponse

	// Import reads existing objects by their provider id so that steward can
	// start managing them.
	Import(ctx context.Context, req ImportRequest) ImportResponse

	// List returns every object of a type that exists, for `steward discover`.
	List(ctx context.Context, req ListRequest) ListResponse

	// Close releases connections. The provider is not used afterwards.
	Close() error
}

// ConfigureRequest carries a provider block's configuration.
type ConfigureRequest struct {
	// Config conforms to Schema().Config.ImpliedType().
	Config cty.Value
	// Alias is the provider configuration's alias, "" for the default one.
	Alias string
	// StewardVersion is the engine's version, for user agents and logs.
	StewardVersion string
}

// DiscoverItem names one managed object whose real state is wanted.
type DiscoverItem struct {
	// Type is the resource type.
	Type string
	// Prior is the object as the state last recorded it. Sensitive parts
	// that the state keeps only as a hash are null.
	Prior cty.Value
}

// DiscoverRequest asks for the real state of many objects.
type DiscoverRequest struct {
	Items []DiscoverItem
}

// DiscoverResult is the real state of one object: a null Current means the
// object no longer exists.
type DiscoverResult struct {
	Current     cty.Value
	Diagnostics Diagnostics
}

// DiscoverResponse answers a DiscoverRequest item by item. Diagnostics that
// concern the whole request (an unreachable device) go in Diagnostics.
type DiscoverResponse struct {
	Results     []DiscoverResult
	Diagnostics Diagnostics
}

// PlanItem is one object to plan. For a create Prior is null; the engine
// never asks a provider to plan a delete.
type PlanItem struct {
	// Address names the object in messages (`directory_user.alice`).
	Address string
	Type    string
	// Prior is the object's current state (after discovery).
	Prior cty.Value
	// Config is the evaluated configuration, with unknown values where the
	// configuration depends on the results of other changes.
	Config cty.Value
	// Proposed is Config with every computed attribute that the
	// configuration leaves unset carried over from Prior (or unknown on
	// create): the engine's guess, which the provider refines.
	Proposed cty.Value
}

// PlanRequest asks for the planned state of many objects.
type PlanRequest struct {
	Items []PlanItem
}

// PlanResult is the provider's plan for one object.
type PlanResult struct {
	// Planned is the state the object will have after apply; attributes the
	// provider cannot predict are unknown.
	Planned cty.Value
	// RequiresReplace lists the changed attributes that force replacement.
	RequiresReplace []cty.Path
	// Summary, when set, describes the change in one sentence for the
	// plan's readers ("alice will be disabled: locked, removed from 3
	// groups, moved to ou=disabled").
	Summary     string
	Diagnostics Diagnostics
}

// PlanResponse answers a PlanRequest item by item.
type PlanResponse struct {
	Results     []PlanResult
	Diagnostics Diagnostics
}

// Action is what an ApplyItem does to an object.
type Action byte

const (
	// Create makes a new object.
	Create Action = '+'
	// Update changes an object in place.
	Update Action = '~'
	// Delete removes an object (or returns it to its default, for things such
	// as switch ports that cannot be deleted).
	Delete Action = '-'
)

// String names the action.
func (a Action) String() string {
	switch a {
	case Create:
		return "create"
	case Update:
		return "update"
	case Delete:
		return "delete"
	}
	return "unknown"
}

// ApplyItem is one change. A replacement arrives as a Delete and a Create
// item for the same address, in the order the engine chose.
type ApplyItem struct {
	// Address identifies the object in messages (`network_vlan.dept["sales"]`).
	Address string
	Type    string
	Action  Action
	// Prior is the current state (null for Create).
	Prior cty.Value
	// Planned is the planned state (null for Delete). It is wholly known.
	Planned cty.Value
	// Config is the configuration, including write-only values (null for Delete).
	Config cty.Value
	// DependsOn lists the indexes of earlier items in the batch that must be
	// applied before this one.
	DependsOn []int
}

// ApplyRequest carries a batch of changes for one provider configuration.
type ApplyRequest struct {
	Items []ApplyItem
}

// ApplyResult is the outcome of one item. New is the object's state
// afterwards: null once deleted or when a create failed without leaving
// anything behind. When Diagnostics has errors and New is not null, the
// object exists in that state (a create that failed partway leaves a
// tainted object that the next plan replaces).
type ApplyResult struct {
	New         cty.Value
	Diagnostics Diagnostics
}

// ApplyResponse answers an ApplyRequest item by item.
type ApplyResponse struct {
	Results     []ApplyResult
	Diagnostics Diagnostics
}

// ReadDataItem is one data source to read.
type ReadDataItem struct {
	Type   string
	Config cty.Value
}

// ReadDataRequest reads many data sources.
type ReadDataRequest struct {
	Items []ReadDataItem
}

// ReadDataResult is the state of one data source.
type ReadDataResult struct {
	State       cty.Value
	Diagnostics Diagnostics
}

// ReadDataResponse answers a ReadDataRequest item by item.
type ReadDataResponse struct {
	Results     []ReadDataResult
	Diagnostics Diagnostics
}

// ImportItem names one existing object by the provider's id for it.
type ImportItem struct {
	Type string
	ID   string
}

// ImportRequest imports many objects.
type ImportRequest struct {
	Items []ImportItem
}

// ImportResult is the state of one imported object.
type ImportResult struct {
	State       cty.Value
	Diagnostics Diagnostics
}

// ImportResponse answers an ImportRequest item by item.
type ImportResponse struct {
	Results     []ImportResult
	Diagnostics Diagnostics
}

// ListRequest asks for every object of a type.
type ListRequest struct {
	Type string
}

// ListedObject is one object found by List.
type ListedObject struct {
	// ID is what Import accepts for the object.
	ID string
	// Name is a suggestion for the resource name in generated configuration.
	Name  string
	State cty.Value
}

// ListResponse answers a ListRequest.
type ListResponse struct {
	Objects     []ListedObject
	Diagnostics Diagnostics
}
