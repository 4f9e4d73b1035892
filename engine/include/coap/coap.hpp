// coap/coap.hpp — the umbrella header: includes every public header of cobalt's engine.
#pragma once

#include "coap/block.hpp"
#include "coap/coap_uri.hpp"
#include "coap/code.hpp"
#include "coap/content_format.hpp"
#include "coap/etag.hpp"
#include "coap/link_format.hpp"
#include "coap/message.hpp"
#include "coap/message_type.hpp"
#include "coap/message_writer.hpp"
#include "coap/option.hpp"
#include "coap/render.hpp"
#include "coap/result.hpp"
#include "coap/uri.hpp"
