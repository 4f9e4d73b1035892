// bench/text_table.hpp — prints a table of strings, as Markdown rows or as
// aligned plain text. Owns layout only; the callers own headers and notes.
#pragma once

#include <algorithm>
#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

namespace bench {

using TextRow = std::vector<std::string>;

/// "| a | b |" per row (the caller prints the header and separator lines).
inline void print_markdown_rows(std::ostream& out, const std::vector<TextRow>& rows) {
    for (const TextRow& row : rows) {
        out << "|";
        for (const std::string& cell : row)
            out << " " << cell << " |";
        out << "\n";
    }
}

enum class Align { left, first_left_rest_right };

/// Columns two spaces apart, each as wide as its widest cell.
inline void print_aligned(std::ostream& out, const TextRow& header,
                          const std::vector<TextRow>& rows, Align align) {
    std::vector<std::size_t> widths(header.size());
    for (std::size_t c = 0; c < header.size(); ++c) {
        widths[c] = header[c].size();
        for (const TextRow& row : rows)
            widths[c] = std::max(widths[c], row[c].size());
    }
    const auto print_row = [&](const TextRow& row) {
        for (std::size_t c = 0; c < row.size(); ++c) {
            const std::string fill(widths[c] - row[c].size(), ' ');
            const bool right = align == Align::first_left_rest_right && c > 0;
            const bool last = c + 1 == row.size();
            out << (c ? "  " : "") << (right ? fill + row[c] : row[c] + (last ? "" : fill));
        }
        out << "\n";
    };
    print_row(header);
    for (const TextRow& row : rows)
        print_row(row);
}

}  // namespace bench
