// table_memory.hpp — for tests of the engine's internal tables: gives a table
// the Arena memory it asks for, as the Endpoint does (a counting pass, then a
// block of exactly that size), and checks both passes took the same.
#pragma once

#include "../../engine/src/endpoint/arena.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <memory>
#include <vector>

namespace coap::detail {

/// Carves `init`'s tables from a block of exactly the size a counting Arena
/// measures for them, kept until the end of the test program.
template <class Init>
void init_table(Init&& init) {
    Arena counting;
    init(counting);
    static std::vector<std::unique_ptr<std::max_align_t[]>> blocks;
    const std::size_t words = counting.used() / sizeof(std::max_align_t) + 1;
    blocks.emplace_back(std::make_unique<std::max_align_t[]>(words));
    Arena arena({reinterpret_cast<std::byte*>(blocks.back().get()), counting.used()});
    init(arena);
    EXPECT_EQ(arena.used(), counting.used());
}

}  // namespace coap::detail
