// A small set of the values of an enum (at most 16), constexpr so that role and service tables
// are compile-time constants. The enum must provide, by argument-dependent lookup,
// `EnumName(E) -> absl::string_view` and `EnumSize(E) -> int` for ToString.
//
//   using RoleSet = EnumSet<Role>;
//   constexpr RoleSet kOfficials = {Role::kHeadOfAgency, Role::kHeadOfDivision};
//   kOfficials.Union({Role::kVerifier}).ToString();  // "HEAD_OF_AGENCY,HEAD_OF_DIVISION,VERIFIER"
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>

#include "absl/strings/string_view.h"

namespace sertel {

template <typename E>
class EnumSet {
 public:
  constexpr EnumSet() = default;
  constexpr EnumSet(std::initializer_list<E> values) {
    for (E v : values) bits_ |= Bit(v);
  }
  constexpr bool Contains(E v) const { return (bits_ & Bit(v)) != 0; }
  constexpr bool Intersects(EnumSet other) const { return (bits_ & other.bits_) != 0; }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr void Add(E v) { bits_ |= Bit(v); }
  constexpr EnumSet Union(EnumSet other) const { return FromBits(bits_ | other.bits_); }
  constexpr EnumSet Without(E v) const { return FromBits(bits_ & ~Bit(v)); }
  constexpr bool operator==(const EnumSet& other) const = default;

  // The names in declaration order, comma-separated: "APPLICANT,OPERATOR".
  std::string ToString() const {
    std::string out;
    for (int i = 0; i < EnumSize(E{}); ++i) {
      if (!Contains(static_cast<E>(i))) continue;
      if (!out.empty()) out += ',';
      absl::string_view name = EnumName(static_cast<E>(i));
      out.append(name.data(), name.size());
    }
    return out;
  }

 private:
  static constexpr uint16_t Bit(E v) { return static_cast<uint16_t>(1u << static_cast<int>(v)); }
  static constexpr EnumSet FromBits(uint16_t bits) {
    EnumSet s;
    s.bits_ = bits;
    return s;
  }
  uint16_t bits_ = 0;
};

}  // namespace sertel
