// A string-keyed index for copy-on-write snapshots (certificate_snapshot.h): a copy shares every
// shard with its original, and a change clones only the shard it touches. Publishing a change of
// a few keys then costs 1/kShards of the index, not all of it (issue 22's profile: copying the
// whole certificate map for each issuance's refresh made a day of issuance quadratic).
//
//   ShardedIndex<HolderRecord> next(current);   // shares all shards
//   next.Put("3171...", std::make_shared<const HolderRecord>(h));   // clones one shard
#pragma once

#include <array>
#include <bitset>
#include <functional>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"

namespace sertel::certificate {

template <typename V>
class ShardedIndex {
 public:
  static constexpr size_t kShards = 64;

  ShardedIndex() {
    for (auto& s : shards_) s = std::make_shared<Shard>();
    owned_.set();
  }
  // Shares the shards of `other`; this copy owns none of them until it changes one.
  ShardedIndex(const ShardedIndex& other) : shards_(other.shards_), size_(other.size_) {}
  ShardedIndex& operator=(const ShardedIndex&) = delete;

  const V* Find(const std::string& key) const {
    const Shard& shard = *shards_[ShardOf(key)];
    auto it = shard.find(key);
    return it == shard.end() ? nullptr : it->second.get();
  }
  void Put(const std::string& key, std::shared_ptr<const V> value) {
    auto [it, inserted] = Writable(ShardOf(key)).insert_or_assign(key, std::move(value));
    if (inserted) ++size_;
  }
  void Erase(const std::string& key) {
    size_t i = ShardOf(key);
    if (!shards_[i]->contains(key)) return;
    Writable(i).erase(key);
    --size_;
  }
  size_t size() const { return size_; }

 private:
  using Shard = absl::flat_hash_map<std::string, std::shared_ptr<const V>>;

  // std::hash, not absl's: the shards' own tables hash with absl, whose low bits this choice
  // must not fix.
  static size_t ShardOf(const std::string& key) { return std::hash<std::string>{}(key) % kShards; }
  Shard& Writable(size_t i) {
    if (!owned_[i]) {
      shards_[i] = std::make_shared<Shard>(*shards_[i]);
      owned_[i] = true;
    }
    return *shards_[i];
  }

  std::array<std::shared_ptr<Shard>, kShards> shards_;
  std::bitset<kShards> owned_;  // shards this copy made itself (never shared with a reader yet)
  size_t size_ = 0;
};

}  // namespace sertel::certificate
