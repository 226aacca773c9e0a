package wire

import (
	"fmt"

	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/providers"
	pb "github.com/stewardhq/steward/providers/plugin/proto/steward/provider/v1"
)

// codec encodes and decodes values, remembering the first error so that
// the message conversions below read as plain field copies.
type codec struct {
	err error
}

func (c *codec) enc(what string, v cty.Value, ty cty.Type) *pb.DynamicValue {
	dv, err := EncodeValue(v, ty)
	if err != nil && c.err == nil {
		c.err = fmt.Errorf("%s: %w", what, err)
	}
	return dv
}

func (c *codec) dec(what string, dv *pb.DynamicValue, ty cty.Type) cty.Value {
	v, err := DecodeValue(dv, ty)
	if err != nil && c.err == nil {
		c.err = fmt.Errorf("%s: %w", what, err)
	}
	return v
}

func (c *codec) encPath(what string, p cty.Path) *pb.AttributePath {
	ap, err := EncodePath(p)
	if err != nil && c.err == nil {
		c.err = fmt.Errorf("%s: %w", what, err)
	}
	return ap
}

func (c *codec) decPath(what string, ap *pb.AttributePath) cty.Path {
	p, err := DecodePath(ap)
	if err != nil && c.err == nil {
		c.err = fmt.Errorf("%s: %w", what, err)
	}
	return p
}

func item(i int, what string) string { return fmt.Sprintf("item %d %s", i, what) }

// EncodeConfigure encodes a ConfigureRequest.
func (t Types) EncodeConfigure(req providers.ConfigureRequest) (*pb.Configure_Request, error) {
	var c codec
	out := &pb.Configure_Request{Config: c.enc("config", req.Config, t.Config()), Alias: req.Alias, StewardVersion: req.StewardVersion}
	return out, c.err
}

// DecodeConfigure decodes a ConfigureRequest.
func (t Types) DecodeConfigure(in *pb.Configure_Request) (providers.ConfigureRequest, error) {
	var c codec
	out := providers.ConfigureRequest{Config: c.dec("config", in.Config, t.Config()), Alias: in.Alias, StewardVersion: in.StewardVersion}
	return out, c.err
}

// EncodeDiscover encodes a DiscoverRequest.
func (t Types) EncodeDiscover(req providers.DiscoverRequest) (*pb.Discover_Request, error) {
	var c codec
	out := &pb.Discover_Request{Items: make([]*pb.Discover_Item, len(req.Items))}
	for i, it := range req.Items {
		out.Items[i] = &pb.Discover_Item{TypeName: it.Type, Prior: c.enc(item(i, "prior"), it.Prior, t.Resource(it.Type))}
	}
	return out, c.err
}

// DecodeDiscover decodes a DiscoverRequest.
func (t Types) DecodeDiscover(in *pb.Discover_Request) (providers.DiscoverRequest, error) {
	var c codec
	out := providers.DiscoverRequest{Items: make([]providers.DiscoverItem, len(in.Items))}
	for i, it := range in.Items {
		out.Items[i] = providers.DiscoverItem{Type: it.TypeName, Prior: c.dec(item(i, "prior"), it.Prior, t.Resource(it.TypeName))}
	}
	return out, c.err
}

// EncodeDiscoverResponse encodes a DiscoverResponse; types are those of the
// request's items.
func (t Types) EncodeDiscoverResponse(req providers.DiscoverRequest, resp providers.DiscoverResponse) (*pb.Discover_Response, error) {
	var c codec
	out := &pb.Discover_Response{Results: make([]*pb.Discover_Result, len(resp.Results)), Diagnostics: EncodeDiagnostics(resp.Diagnostics)}
	for i, r := range resp.Results {
		out.Results[i] = &pb.Discover_Result{Current: c.enc(item(i, "current"), r.Current, t.Resource(typeAt(req.Items, i, func(it providers.DiscoverItem) string { return it.Type }))), Diagnostics: EncodeDiagnostics(r.Diagnostics)}
	}
	return out, c.err
}

// DecodeDiscoverResponse decodes a DiscoverResponse.
func (t Types) DecodeDiscoverResponse(req providers.DiscoverRequest, in *pb.Discover_Response) (providers.DiscoverResponse, error) {
	var c codec
	out := providers.DiscoverResponse{Results: make([]providers.DiscoverResult, len(in.Results)), Diagnostics: DecodeDiagnostics(in.Diagnostics)}
	for i, r := range in.Results {
		out.Results[i] = providers.DiscoverResult{Current: c.dec(item(i, "current"), r.Current, t.Resource(typeAt(req.Items, i, func(it providers.DiscoverItem) string { return it.Type }))), Diagnostics: DecodeDiagnostics(r.Diagnostics)}
	}
	return out, c.err
}

// EncodePlan encodes a PlanRequest.
func (t Types) EncodePlan(req providers.PlanRequest) (*pb.PlanChanges_Request, error) {
	var c codec
	out := &pb.PlanChanges_Request{Items: make([]*pb.PlanChanges_Item, len(req.Items))}
	for i, it := range req.Items {
		ty := t.Resource(it.Type)
		out.Items[i] = &pb.PlanChanges_Item{
			Address: it.Address, TypeName: it.Type,
			Prior:    c.enc(item(i, "prior"), it.Prior, ty),
			Config:   c.enc(item(i, "config"), it.Config, ty),
			Proposed: c.enc(item(i, "proposed"), it.Proposed, ty),
		}
	}
	return out, c.err
}

// DecodePlan decodes a PlanRequest.
func (t Types) DecodePlan(in *pb.PlanChanges_Request) (providers.PlanRequest, error) {
	var c codec
	out := providers.PlanRequest{Items: make([]providers.PlanItem, len(in.Items))}
	for i, it := range in.Items {
		ty := t.Resource(it.TypeName)
		out.Items[i] = providers.PlanItem{
			Address: it.Address, Type: it.TypeName,
			Prior:    c.dec(item(i, "prior"), it.Prior, ty),
			Config:   c.dec(item(i, "config"), it.Config, ty),
			Proposed: c.dec(item(i, "proposed"), it.Proposed, ty),
		}
	}
	return out, c.err
}

// EncodePlanResponse encodes a PlanResponse.
func (t Types) EncodePlanResponse(req providers.PlanRequest, resp providers.PlanResponse) (*pb.PlanChanges_Response, error) {
	var c codec
	out := &pb.PlanChanges_Response{Results: make([]*pb.PlanChanges_Result, len(resp.Results)), Diagnostics: EncodeDiagnostics(resp.Diagnostics)}
	for i, r := range resp.Results {
		ty := t.Resource(typeAt(req.Items, i, func(it providers.PlanItem) string { return it.Type }))
		pr := &pb.PlanChanges_Result{Planned: c.enc(item(i, "planned"), r.Planned, ty), Summary: r.Summary, Diagnostics: EncodeDiagnostics(r.Diagnostics)}
		for _, p := range r.RequiresReplace {
			pr.RequiresReplace = append(pr.RequiresReplace, c.encPath(item(i, "requires_replace"), p))
		}
		out.Results[i] = pr
	}
	return out, c.err
}

// DecodePlanResponse decodes a PlanResponse.
func (t Types) DecodePlanResponse(req providers.PlanRequest, in *pb.PlanChanges_Response) (providers.PlanResponse, error) {
	var c codec
	out := providers.PlanResponse{Results: make([]providers.PlanResult, len(in.Results)), Diagnostics: DecodeDiagnostics(in.Diagnostics)}
	for i, r := range in.Results {
		ty := t.Resource(typeAt(req.Items, i, func(it providers.PlanItem) string { return it.Type }))
		pr := providers.PlanResult{Planned: c.dec(item(i, "planned"), r.Planned, ty), Summary: r.Summary, Diagnostics: DecodeDiagnostics(r.Diagnostics)}
		for _, p := range r.RequiresReplace {
			pr.RequiresReplace = append(pr.RequiresReplace, c.decPath(item(i, "requires_replace"), p))
		}
		out.Results[i] = pr
	}
	return out, c.err
}

var actionsToWire = map[providers.Action]pb.ApplyChanges_Action{
	providers.Create: pb.ApplyChanges_CREATE,
	providers.Update: pb.ApplyChanges_UPDATE,
	providers.Delete: pb.ApplyChanges_DELETE,
}

// EncodeApply encodes an ApplyRequest.
func (t Types) EncodeApply(req providers.ApplyRequest) (*pb.ApplyChanges_Request, error) {
	var c codec
	out := &pb.ApplyChanges_Request{Items: make([]*pb.ApplyChanges_Item, len(req.Items))}
	for i, it := range req.Items {
		ty := t.Resource(it.Type)
		act, ok := actionsToWire[it.Action]
		if !ok && c.err == nil {
			c.err = fmt.Errorf("item %d: unknown action %q", i, rune(it.Action))
		}
		pi := &pb.ApplyChanges_Item{
			Address: it.Address, TypeName: it.Type, Action: act,
			Prior:   c.enc(item(i, "prior"), it.Prior, ty),
			Planned: c.enc(item(i, "planned"), it.Planned, ty),
			Config:  c.enc(item(i, "config"), it.Config, ty),
		}
		for _, d := range it.DependsOn {
			pi.DependsOn = append(pi.DependsOn, int64(d))
		}
		out.Items[i] = pi
	}
	return out, c.err
}

// DecodeApply decodes an ApplyRequest.
func (t Types) DecodeApply(in *pb.ApplyChanges_Request) (providers.ApplyRequest, error) {
	var c codec
	out := providers.ApplyRequest{Items: make([]providers.ApplyItem, len(in.Items))}
	for i, it := range in.Items {
		ty := t.Resource(it.TypeName)
		ai := providers.ApplyItem{
			Address: it.Address, Type: it.TypeName,
			Prior:   c.dec(item(i, "prior"), it.Prior, ty),
			Planned: c.dec(item(i, "planned"), it.Planned, ty),
			Config:  c.dec(item(i, "config"), it.Config, ty),
		}
		for a, w := range actionsToWire {
			if w == it.Action {
				ai.Action = a
			}
		}
		if ai.Action == 0 && c.err == nil {
			c.err = fmt.Errorf("item %d: unknown action %v", i, it.Action)
		}
		for _, d := range it.DependsOn {
			if d < 0 || d >= int64(i) {
				if c.err == nil {
					c.err = fmt.Errorf("item %d depends on item %d, which does not come before it", i, d)
				}
				continue
			}
			ai.DependsOn = append(ai.DependsOn, int(d))
		}
		out.Items[i] = ai
	}
	return out, c.err
}

// EncodeApplyResponse encodes an ApplyResponse.
func (t Types) EncodeApplyResponse(req providers.ApplyRequest, resp providers.ApplyResponse) (*pb.ApplyChanges_Response, error) {
	var c codec
	out := &pb.ApplyChanges_Response{Results: make([]*pb.ApplyChanges_Result, len(resp.Results)), Diagnostics: EncodeDiagnostics(resp.Diagnostics)}
	for i, r := range resp.Results {
		ty := t.Resource(typeAt(req.Items, i, func(it providers.ApplyItem) string { return it.Type }))
		out.Results[i] = &pb.ApplyChanges_Result{New: c.enc(item(i, "new"), r.New, ty), Diagnostics: EncodeDiagnostics(r.Diagnostics)}
	}
	return out, c.err
}

// DecodeApplyResponse decodes an ApplyResponse.
func (t Types) DecodeApplyResponse(req providers.ApplyRequest, in *pb.ApplyChanges_Response) (providers.ApplyResponse, error) {
	var c codec
	out := providers.ApplyResponse{Results: make([]providers.ApplyResult, len(in.Results)), Diagnostics: DecodeDiagnostics(in.Diagnostics)}
	for i, r := range in.Results {
		ty := t.Resource(typeAt(req.Items, i, func(it providers.ApplyItem) string { return it.Type }))
		out.Results[i] = providers.ApplyResult{New: c.dec(item(i, "new"), r.New, ty), Diagnostics: DecodeDiagnostics(r.Diagnostics)}
	}
	return out, c.err
}

// EncodeReadData encodes a ReadDataRequest.
func (t Types) EncodeReadData(req providers.ReadDataRequest) (*pb.ReadData_Request, error) {
	var c codec
	out := &pb.ReadData_Request{Items: make([]*pb.ReadData_Item, len(req.Items))}
	for i, it := range req.Items {
		out.Items[i] = &pb.ReadData_Item{TypeName: it.Type, Config: c.enc(item(i, "config"), it.Config, t.DataSource(it.Type))}
	}
	return out, c.err
}

// DecodeReadData decodes a ReadDataRequest.
func (t Types) DecodeReadData(in *pb.ReadData_Request) (providers.ReadDataRequest, error) {
	var c codec
	out := providers.ReadDataRequest{Items: make([]providers.ReadDataItem, len(in.Items))}
	for i, it := range in.Items {
		out.Items[i] = providers.ReadDataItem{Type: it.TypeName, Config: c.dec(item(i, "config"), it.Config, t.DataSource(it.TypeName))}
	}
	return out, c.err
}

// EncodeReadDataResponse encodes a ReadDataResponse.
func (t Types) EncodeReadDataResponse(req providers.ReadDataRequest, resp providers.ReadDataResponse) (*pb.ReadData_Response, error) {
	var c codec
	out := &pb.ReadData_Response{Results: make([]*pb.ReadData_Result, len(resp.Results)), Diagnostics: EncodeDiagnostics(resp.Diagnostics)}
	for i, r := range resp.Results {
		ty := t.DataSource(typeAt(req.Items, i, func(it providers.ReadDataItem) string { return it.Type }))
		out.Results[i] = &pb.ReadData_Result{State: c.enc(item(i, "state"), r.State, ty), Diagnostics: EncodeDiagnostics(r.Diagnostics)}
	}
	return out, c.err
}

// DecodeReadDataResponse decodes a ReadDataResponse.
func (t Types) DecodeReadDataResponse(req providers.ReadDataRequest, in *pb.ReadData_Response) (providers.ReadDataResponse, error) {
	var c codec
	out := providers.ReadDataResponse{Results: make([]providers.ReadDataResult, len(in.Results)), Diagnostics: DecodeDiagnostics(in.Diagnostics)}
	for i, r := range in.Results {
		ty := t.DataSource(typeAt(req.Items, i, func(it providers.ReadDataItem) string { return it.Type }))
		out.Results[i] = providers.ReadDataResult{State: c.dec(item(i, "state"), r.State, ty), Diagnostics: DecodeDiagnostics(r.Diagnostics)}
	}
	return out, c.err
}

// EncodeImport encodes an ImportRequest (it holds no values).
func EncodeImport(req providers.ImportRequest) *pb.Import_Request {
	out := &pb.Import_Request{Items: make([]*pb.Import_Item, len(req.Items))}
	for i, it := range req.Items {
		out.Items[i] = &pb.Import_Item{TypeName: it.Type, Id: it.ID}
	}
	return out
}

// DecodeImport decodes an ImportRequest.
func DecodeImport(in *pb.Import_Request) providers.ImportRequest {
	out := providers.ImportRequest{Items: make([]providers.ImportItem, len(in.Items))}
	for i, it := range in.Items {
		out.Items[i] = providers.ImportItem{Type: it.TypeName, ID: it.Id}
	}
	return out
}

// EncodeImportResponse encodes an ImportResponse.
func (t Types) EncodeImportResponse(req providers.ImportRequest, resp providers.ImportResponse) (*pb.Import_Response, error) {
	var c codec
	out := &pb.Import_Response{Results: make([]*pb.Import_Result, len(resp.Results)), Diagnostics: EncodeDiagnostics(resp.Diagnostics)}
	for i, r := range resp.Results {
		ty := t.Resource(typeAt(req.Items, i, func(it providers.ImportItem) string { return it.Type }))
		out.Results[i] = &pb.Import_Result{State: c.enc(item(i, "state"), r.State, ty), Diagnostics: EncodeDiagnostics(r.Diagnostics)}
	}
	return out, c.err
}

// DecodeImportResponse decodes an ImportResponse.
func (t Types) DecodeImportResponse(req providers.ImportRequest, in *pb.Import_Response) (providers.ImportResponse, error) {
	var c codec
	out := providers.ImportResponse{Results: make([]providers.ImportResult, len(in.Results)), Diagnostics: DecodeDiagnostics(in.Diagnostics)}
	for i, r := range in.Results {
		ty := t.Resource(typeAt(req.Items, i, func(it providers.ImportItem) string { return it.Type }))
		out.Results[i] = providers.ImportResult{State: c.dec(item(i, "state"), r.State, ty), Diagnostics: DecodeDiagnostics(r.Diagnostics)}
	}
	return out, c.err
}

// EncodeListResponse encodes a ListResponse for objects of typeName.
func (t Types) EncodeListResponse(typeName string, resp providers.ListResponse) (*pb.List_Response, error) {
	var c codec
	ty := t.Resource(typeName)
	out := &pb.List_Response{Objects: make([]*pb.List_Object, len(resp.Objects)), Diagnostics: EncodeDiagnostics(resp.Diagnostics)}
	for i, o := range resp.Objects {
		out.Objects[i] = &pb.List_Object{Id: o.ID, Name: o.Name, State: c.enc(item(i, "state"), o.State, ty)}
	}
	return out, c.err
}

// DecodeListResponse decodes a ListResponse for objects of typeName.
func (t Types) DecodeListResponse(typeName string, in *pb.List_Response) (providers.ListResponse, error) {
	var c codec
	ty := t.Resource(typeName)
	out := providers.ListResponse{Objects: make([]providers.ListedObject, len(in.Objects)), Diagnostics: DecodeDiagnostics(in.Diagnostics)}
	for i, o := range in.Objects {
		out.Objects[i] = providers.ListedObject{ID: o.Id, Name: o.Name, State: c.dec(item(i, "state"), o.State, ty)}
	}
	return out, c.err
}

// typeAt returns the type name of items[i], or "" when a response has more
// results than its request had items (which the receiver reports).
func typeAt[T any](items []T, i int, typeOf func(T) string) string {
	if i < len(items) {
		return typeOf(items[i])
	}
	return ""
}
