package plugin

import (
	"context"
	"fmt"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/stewardhq/steward/providers"
	pb "github.com/stewardhq/steward/providers/plugin/proto/steward/provider/v1"
	"github.com/stewardhq/steward/providers/plugin/wire"
)

// server answers the gRPC calls of one steward process with a provider.
type server struct {
	pb.UnimplementedProviderServer
	impl   providers.Provider
	schema *pb.Schema
	types  wire.Types
}

func newServer(impl providers.Provider) (*server, error) {
	s := impl.Schema()
	ps, err := wire.EncodeSchema(s)
	if err != nil {
		return nil, fmt.Errorf("encoding the provider's schema: %w", err)
	}
	return &server{impl: impl, schema: ps, types: wire.Types{Schema: s}}, nil
}

// badRequest reports a message this side cannot decode: a protocol error,
// not a user error, so it goes back as a gRPC status.
func badRequest(err error) error {
	return status.Errorf(codes.InvalidArgument, "decoding the request: %v", err)
}

func badResponse(err error) error {
	return status.Errorf(codes.Internal, "encoding the response: %v", err)
}

func (s *server) GetSchema(context.Context, *pb.GetSchema_Request) (*pb.GetSchema_Response, error) {
	return &pb.GetSchema_Response{Schema: s.schema}, nil
}

func (s *server) Configure(ctx context.Context, in *pb.Configure_Request) (*pb.Configure_Response, error) {
	req, err := s.types.DecodeConfigure(in)
	if err != nil {
		return nil, badRequest(err)
	}
	if diags := validate(s.types.Schema.Config, req.Config); diags.HasErrors() {
		return &pb.Configure_Response{Diagnostics: wire.EncodeDiagnostics(diags)}, nil
	}
	return &pb.Configure_Response{Diagnostics: wire.EncodeDiagnostics(s.impl.Configure(ctx, req))}, nil
}

func (s *server) Discover(ctx context.Context, in *pb.Discover_Request) (*pb.Discover_Response, error) {
	req, err := s.types.DecodeDiscover(in)
	if err != nil {
		return nil, badRequest(err)
	}
	out, err := s.types.EncodeDiscoverResponse(req, s.impl.Discover(ctx, req))
	if err != nil {
		return nil, badResponse(err)
	}
	return out, nil
}

// PlanChanges validates each item's configuration first: items that fail
// get their validation errors and never reach the provider, the rest are
// planned together.
func (s *server) PlanChanges(ctx context.Context, in *pb.PlanChanges_Request) (*pb.PlanChanges_Response, error) {
	req, err := s.types.DecodePlan(in)
	if err != nil {
		return nil, badRequest(err)
	}
	results := make([]providers.PlanResult, len(req.Items))
	var valid []providers.PlanItem
	var validIdx []int
	for i, it := range req.Items {
		var diags providers.Diagnostics
		if r, ok := s.types.Schema.Resources[it.Type]; ok {
			diags = validate(&r.Block, it.Config)
		}
		if diags.HasErrors() {
			results[i] = providers.PlanResult{Planned: it.Proposed, Diagnostics: diags}
			continue
		}
		valid = append(valid, it)
		validIdx = append(validIdx, i)
	}
	var resp providers.PlanResponse
	if len(valid) > 0 {
		resp = s.impl.PlanChanges(ctx, providers.PlanRequest{Items: valid})
		if len(resp.Results) == len(valid) {
			for j, i := range validIdx {
				results[i] = resp.Results[j]
			}
		} else {
			// Pass the provider's miscount on for steward to report.
			results = resp.Results
		}
	}
	out, err := s.types.EncodePlanResponse(req, providers.PlanResponse{Results: results, Diagnostics: resp.Diagnostics})
	if err != nil {
		return nil, badResponse(err)
	}
	return out, nil
}

func (s *server) ApplyChanges(ctx context.Context, in *pb.ApplyChanges_Request) (*pb.ApplyChanges_Response, error) {
	req, err := s.types.DecodeApply(in)
	if err != nil {
		return nil, badRequest(err)
	}
	out, err := s.types.EncodeApplyResponse(req, s.impl.ApplyChanges(ctx, req))
	if err != nil {
		return nil, badResponse(err)
	}
	return out, nil
}

func (s *server) ReadData(ctx context.Context, in *pb.ReadData_Request) (*pb.ReadData_Response, error) {
	req, err := s.types.DecodeReadData(in)
	if err != nil {
		return nil, badRequest(err)
	}
	out, err := s.types.EncodeReadDataResponse(req, s.impl.ReadData(ctx, req))
	if err != nil {
		return nil, badResponse(err)
	}
	return out, nil
}

func (s *server) Import(ctx context.Context, in *pb.Import_Request) (*pb.Import_Response, error) {
	req := wire.DecodeImport(in)
	out, err := s.types.EncodeImportResponse(req, s.impl.Import(ctx, req))
	if err != nil {
		return nil, badResponse(err)
	}
	return out, nil
}

func (s *server) List(ctx context.Context, in *pb.List_Request) (*pb.List_Response, error) {
	out, err := s.types.EncodeListResponse(in.TypeName, s.impl.List(ctx, providers.ListRequest{Type: in.TypeName}))
	if err != nil {
		return nil, badResponse(err)
	}
	return out, nil
}

func (s *server) Close(context.Context, *pb.Close_Request) (*pb.Close_Response, error) {
	if err := s.impl.Close(); err != nil {
		return &pb.Close_Response{Error: err.Error()}, nil
	}
	return &pb.Close_Response{}, nil
}
