// block1_server.cpp — ResourceTree's block-wise serving (RFC 7959): Block1
// request bodies assembled before the handler runs, with the answer each block
// gets, and Block2 follow-ups to such a request answered from the kept response.
#include "coap/answer.hpp"
#include "coap/block1_assembly.hpp"
#include "coap/request_context.hpp"
#include "coap/resource_tree.hpp"

namespace coap {

bool ResourceTree::assemble(RequestContext& context) const {
    const MessageView& message = context.message();
    const auto block = message.block1();
    if (!block) {
        // Malformed, or SZX 7 (BERT exists only on reliable transports).
        (void)context.respond(codes::bad_request, "bad Block1 option");
        return false;
    }
    Block1Key key;
    key.peer = context.peer();
    key.path = context.path_string();
    if (const auto tag = message.opaque_option(OptionNumber::request_tag))
        key.request_tag.emplace(tag->begin(), tag->end());

    Block1Assembler& assembler = blockwise_->assembler;
    const Block1Step step =
        assembler.offer(context.now(), key, *block, message.size1(), message.payload());
    switch (step.outcome) {
        case Block1Outcome::continue_:
            (void)context.respond(codes::continue_, [&](MessageWriter& writer) {
                writer.option_uint(OptionNumber::block1, step.ack.to_uint());
            });
            return false;
        case Block1Outcome::complete:
            context.set_assembled(assembler.take_body(), step.ack, &blockwise_->responses);
            return true;
        case Block1Outcome::incomplete:
            (void)context.respond(codes::request_entity_incomplete, "block out of sequence");
            return false;
        case Block1Outcome::too_large:
            (void)context.respond(codes::request_entity_too_large, [&](MessageWriter& writer) {
                writer.option_uint(OptionNumber::size1, step.size1);
            });
            return false;
        case Block1Outcome::busy:
            (void)context.respond(codes::service_unavailable, [&](MessageWriter& writer) {
                writer.option_uint(OptionNumber::max_age, step.max_age);
                writer.payload("too many block-wise transfers");
            });
            return false;
        case Block1Outcome::bad_request:
            (void)context.respond(codes::bad_request, "block payload is not one block");
            return false;
    }
    return false;
}

bool ResourceTree::answer_from_cache(RequestContext& context) const {
    const MessageView& message = context.message();
    const auto block = message.block2();
    // Only a follow-up: a later block, no body, a method with a request body.
    if (!block || block->num() == 0 || !message.payload().empty() || context.method() == codes::get)
        return false;
    const auto* kept = blockwise_->responses.find(context.now(), context.peer(),
                                                  context.path_string(), context.method());
    if (kept == nullptr) return false;
    (void)context.respond_body(kept->code, kept->body, kept->options);
    return true;
}

}  // namespace coap
