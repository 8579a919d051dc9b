// The one mapping between AttentionRecord (common/outbox_attention.h) and sertel.v1.Attention,
// for proto mapping files (<service>_proto.cc) and the clients that read another service's
// answer.
//
//   if (record.attention) AttentionToProto(*record.attention, out->mutable_attention());
//   std::optional<AttentionRecord> a = AttentionFromProto(reply);   // has_attention() or not
#pragma once

#include <optional>

#include "common/outbox_attention.h"
#include "sertel/v1/common.pb.h"

namespace sertel {

void AttentionToProto(const AttentionRecord& a, v1::Attention* out);
AttentionRecord AttentionFromProto(const v1::Attention& a);

// The attention a message carries (Application, Case, Enrollment), nullopt when unset.
template <typename Message>
std::optional<AttentionRecord> AttentionOf(const Message& m) {
  if (!m.has_attention()) return std::nullopt;
  return AttentionFromProto(m.attention());
}

}  // namespace sertel
