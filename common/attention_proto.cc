#include "common/attention_proto.h"

#include "common/proto_time.h"

namespace sertel {

void AttentionToProto(const AttentionRecord& a, v1::Attention* out) {
  out->set_service(a.service);
  out->set_what(a.what);
  *out->mutable_at() = ToProtoTimestamp(a.at);
  out->set_error(a.error);
  out->set_outbox_id(a.outbox_id);
}

AttentionRecord AttentionFromProto(const v1::Attention& a) {
  return AttentionRecord{.service = a.service(),
                         .what = a.what(),
                         .at = FromProtoTimestamp(a.at()),
                         .error = a.error(),
                         .outbox_id = a.outbox_id()};
}

}  // namespace sertel
