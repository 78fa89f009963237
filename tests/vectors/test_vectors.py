#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Conformance of libdhcpkit with the vectors in ../shared/vectors.

The vectors are the hex fixtures of the original Python dhcpkit's unit tests
and captures of real traffic. For every record this test decides, from the
record's desc / expect / validity (and a few explicit tables below, each entry
citing the original test it comes from), what the bytes are and in which
context the original parsed them, feeds them through vector-probe (the real
library), and checks:

  * valid and valid-captured records decode, and re-encode byte for byte;
  * where the record carries expect.decoded_as (the original's constructor
    notation), that notation is parsed with the ast module (never evaluated)
    and compared field by field with our JSON;
  * invalid records are rejected, in the context the original test used
    (XOption.parse -> one option that must have that option code), with an
    error of the kind the original's message names;
  * records that are only a field value (an IAID, an interface-id, a link-
    layer address the original test put into a Python object) are located as
    a field of our decode of the fixture they belong to;
  * records that cannot be mapped are listed in EXCEPTIONS with the reason.

Usage: test_vectors.py PROBE [DEFAULT_VECTORS_DIR]   ($DHCPKIT_VECTORS wins)
"""

import ast
import ipaddress
import json
import re
import sys
from collections import Counter, defaultdict

import vectorlib

# --------------------------------------------------------------------------
# The original's classes: what each is on the wire, and the order of its
# constructor's parameters (for the positional arguments in decoded_as).
# kind: opt (DHCPv6 option), ntp (RFC 5908 sub-option), msg, duid.
# code None: the code is the first constructor argument (Unknown* classes).
# --------------------------------------------------------------------------
CS = ['transaction_id', 'options']
RELAY = ['hop_count', 'link_address', 'peer_address', 'options']
CLASSES = {
    'ClientIdOption': ('opt', 1, ['duid']),
    'ServerIdOption': ('opt', 2, ['duid']),
    'IANAOption': ('opt', 3, ['iaid', 't1', 't2', 'options']),
    'IATAOption': ('opt', 4, ['iaid', 'options']),
    'IAAddressOption': ('opt', 5, ['address', 'preferred_lifetime', 'valid_lifetime', 'options']),
    'OptionRequestOption': ('opt', 6, ['requested_options']),
    'PreferenceOption': ('opt', 7, ['preference']),
    'ElapsedTimeOption': ('opt', 8, ['elapsed_time']),
    'RelayMessageOption': ('opt', 9, ['relayed_message']),
    'AuthenticationOption': ('opt', 11, ['protocol', 'algorithm', 'rdm', 'replay_detection',
                                         'auth_info']),
    'ServerUnicastOption': ('opt', 12, ['server_address']),
    'StatusCodeOption': ('opt', 13, ['status_code', 'status_message']),
    'RapidCommitOption': ('opt', 14, []),
    'UserClassOption': ('opt', 15, ['user_classes']),
    'VendorClassOption': ('opt', 16, ['enterprise_number', 'vendor_classes']),
    'VendorSpecificInformationOption': ('opt', 17, ['enterprise_number', 'vendor_options']),
    'InterfaceIdOption': ('opt', 18, ['interface_id']),
    'ReconfigureMessageOption': ('opt', 19, ['message_type']),
    'ReconfigureAcceptOption': ('opt', 20, []),
    'SIPServersDomainNameListOption': ('opt', 21, ['domain_names']),
    'SIPServersAddressListOption': ('opt', 22, ['sip_servers']),
    'RecursiveNameServersOption': ('opt', 23, ['dns_servers']),
    'DomainSearchListOption': ('opt', 24, ['search_list']),
    'IAPDOption': ('opt', 25, ['iaid', 't1', 't2', 'options']),
    'IAPrefixOption': ('opt', 26, ['preferred_lifetime', 'valid_lifetime', 'prefix', 'options']),
    'SNTPServersOption': ('opt', 31, ['sntp_servers']),
    'RemoteIdOption': ('opt', 37, ['enterprise_number', 'remote_id']),
    'SubscriberIdOption': ('opt', 38, ['subscriber_id']),
    'ClientFQDNOption': ('opt', 39, ['flags', 'domain_name']),
    'PosixTimezoneOption': ('opt', 41, ['timezone']),
    'TZDBTimezoneOption': ('opt', 42, ['timezone']),
    'EchoRequestOption': ('opt', 43, ['requested_options']),
    'LQQueryOption': ('opt', 44, ['query_type', 'link_address', 'options']),
    'ClientDataOption': ('opt', 45, ['options']),
    'CLTTimeOption': ('opt', 46, ['clt_time']),
    'LQRelayDataOption': ('opt', 47, ['peer_address', 'relay_message']),
    'LQClientLink': ('opt', 48, ['link_addresses']),
    'RelayIdOption': ('opt', 53, ['duid']),
    'NTPServersOption': ('opt', 56, ['options']),
    'AFTRNameOption': ('opt', 64, ['fqdn']),
    'PDExcludeOption': ('opt', 67, ['prefix_length', 'subnet_id']),
    'LinkLayerIdOption': ('opt', 79, ['link_layer_type', 'link_layer_address']),
    'SolMaxRTOption': ('opt', 82, ['sol_max_rt']),
    'InfMaxRTOption': ('opt', 83, ['inf_max_rt']),
    'S46RuleOption': ('opt', 89, ['flags', 'ea_len', 'ipv4_prefix', 'ipv6_prefix', 'options']),
    'S46BROption': ('opt', 90, ['br_address']),
    'S46DMROption': ('opt', 91, ['dmr_prefix']),
    'S46V4V6BindingOption': ('opt', 92, ['ipv4_address', 'ipv6_prefix', 'options']),
    'S46PortParametersOption': ('opt', 93, ['offset', 'psid_len', 'psid']),
    'S46MapEContainerOption': ('opt', 94, ['options']),
    'S46MapTContainerOption': ('opt', 95, ['options']),
    'S46LWContainerOption': ('opt', 96, ['options']),
    'UnknownOption': ('opt', None, ['option_type', 'option_data']),
    # test_option_length.py: a test-only class registered as option 65535,
    # which on the wire is an option our library does not know.
    'LengthTestingOption': ('opt', 65535, ['data']),
    'NTPServerAddressSubOption': ('ntp', 1, ['address']),
    'NTPMulticastAddressSubOption': ('ntp', 2, ['address']),
    'NTPServerFQDNSubOption': ('ntp', 3, ['fqdn']),
    'UnknownNTPSubOption': ('ntp', None, ['suboption_type', 'suboption_data']),
    'SolicitMessage': ('msg', 1, CS),
    'AdvertiseMessage': ('msg', 2, CS),
    'RequestMessage': ('msg', 3, CS),
    'ConfirmMessage': ('msg', 4, CS),
    'RenewMessage': ('msg', 5, CS),
    'RebindMessage': ('msg', 6, CS),
    'ReplyMessage': ('msg', 7, CS),
    'ReleaseMessage': ('msg', 8, CS),
    'DeclineMessage': ('msg', 9, CS),
    'ReconfigureMessage': ('msg', 10, CS),
    'InformationRequestMessage': ('msg', 11, CS),
    'RelayForwardMessage': ('msg', 12, RELAY),
    'RelayReplyMessage': ('msg', 13, RELAY),
    'LeasequeryMessage': ('msg', 14, CS),
    'LeasequeryReplyMessage': ('msg', 15, CS),
    'LeasequeryDoneMessage': ('msg', 16, CS),
    'LeasequeryDataMessage': ('msg', 17, CS),
    'UnknownMessage': ('msg', None, ['message_type', 'message_data']),
    'LinkLayerTimeDUID': ('duid', 1, ['hardware_type', 'time', 'link_layer_address']),
    'EnterpriseDUID': ('duid', 2, ['enterprise_number', 'identifier']),
    'LinkLayerDUID': ('duid', 3, ['hardware_type', 'link_layer_address']),
    'UnknownDUID': ('duid', None, ['duid_type', 'duid_data']),
}

# Where our JSON names a field differently from the original's parameter.
RENAME = {
    ('RelayMessageOption', 'relayed_message'): 'message',
    ('LQRelayDataOption', 'relay_message'): 'message',
    ('NTPServersOption', 'options'): 'suboptions',
    ('VendorSpecificInformationOption', 'vendor_options'): 'suboptions',
    ('UnknownOption', 'option_data'): 'data',
    ('UnknownNTPSubOption', 'suboption_data'): 'data',
    ('UnknownMessage', 'message_data'): 'data',
    ('UnknownDUID', 'duid_data'): 'data',
}
# The parameter that carries the code of an Unknown* class.
CODE_PARAM = {'UnknownOption': 'option_type', 'UnknownNTPSubOption': 'suboption_type',
              'UnknownMessage': 'message_type', 'UnknownDUID': 'duid_type'}
IDENTITY_KEY = {'opt': 'code', 'ntp': 'code', 'msg': 'msg_type', 'duid': 'duid_type'}
META_KEYS = {'code', 'name', 'msg_type', 'msg_name', 'duid_type', 'hex'}

# Names the notation uses: the original's constants.
CONSTANTS = {
    'OPTION_IA_NA': 3, 'OPTION_IA_TA': 4, 'OPTION_VENDOR_OPTS': 17, 'OPTION_DNS_SERVERS': 23,
    'OPTION_IA_PD': 25, 'OPTION_SNTP_SERVERS': 31, 'OPTION_SUBSCRIBER_ID': 38,
    'OPTION_LQ_RELAY_DATA': 47, 'OPTION_NTP_SERVER': 56, 'OPTION_CLIENT_LINKLAYER_ADDR': 79,
    'OPTION_SOL_MAX_RT': 82, 'OPTION_INF_MAX_RT': 83,
    'STATUS_SUCCESS': 0, 'STATUS_NOT_ON_LINK': 4,
    'MSG_RENEW': 5, 'QUERY_BY_ADDRESS': 1,
}
# Module-level objects a notation refers to by name (test_map.py).
NAMED_OBJECTS = {
    's46_port_parameters_option_object': 'S46PortParametersOption(offset=6, psid_len=7, psid=127)',
}

# --------------------------------------------------------------------------
# Inputs the original test built by concatenating literals, which the
# extraction split into several records. Each entry lists the pieces in the
# order of the original expression; 'ff' is a one-octet literal too short to
# have been extracted (test_message.py / test_unknown_message.py:
# bytes.fromhex('ff') + b'ThisIsAnUnknownMessage').
# name: (pieces, probe kind, validity, record whose expect applies)
# --------------------------------------------------------------------------
T = 'dhcpkit:'
COMPOSITES = {
    # valid: self.option_bytes / packet_fixture of setUp()
    'client_fqdn': ([T + 'test_client_fqdn.py:2', T + 'test_client_fqdn.py:3'], 'option-as:39',
                    'valid', T + 'test_client_fqdn.py:2'),
    'domain_list': ([T + 'test_dns.py:2', T + 'test_dns.py:3'], 'option-as:24', 'valid',
                    T + 'test_dns.py:2'),
    'aftr_name': ([T + 'test_dslite.py:1', T + 'test_dslite.py:2'], 'option-as:64', 'valid',
                  T + 'test_dslite.py:1'),
    'ntp_server': ([T + 'test_ntp.py:19', T + 'test_ntp.py:20', T + 'test_ntp.py:12',
                    T + 'test_ntp.py:6'], 'option-as:56', 'valid', T + 'test_ntp.py:19'),
    'ntp_unknown': ([T + 'test_ntp.py:7', T + 'test_ntp.py:8'], 'ntp-suboption-as:65535',
                    'valid', T + 'test_ntp.py:7'),
    'ntp_fqdn': ([T + 'test_ntp.py:10', T + 'test_ntp.py:11'], 'ntp-suboption-as:3', 'valid',
                 T + 'test_ntp.py:10'),
    'sip_domains': ([T + 'test_sip_servers.py:2', T + 'test_sip_servers.py:3'], 'option-as:21',
                    'valid', T + 'test_sip_servers.py:2'),
    'posix_tz': ([T + 'test_timezone.py:3', T + 'test_timezone.py:4'], 'option-as:41', 'valid',
                 T + 'test_timezone.py:3'),
    'tzdb_tz': ([T + 'test_timezone.py:5', T + 'test_timezone.py:6'], 'option-as:42', 'valid',
                T + 'test_timezone.py:5'),
    'user_class': ([T + 'test_user_class_option.py:4', T + 'test_user_class_option.py:5',
                    T + 'test_user_class_option.py:2'], 'option-as:15', 'valid',
                   T + 'test_user_class_option.py:4'),
    'vendor_class': ([T + 'test_vendor_class_option.py:4', T + 'test_vendor_class_option.py:5',
                      T + 'test_vendor_class_option.py:2'], 'option-as:16', 'valid',
                     T + 'test_vendor_class_option.py:4'),
    'vendor_opts': ([T + 'test_vendor_specific_information_option.py:4',
                     T + 'test_vendor_specific_information_option.py:5',
                     T + 'test_vendor_specific_information_option.py:2'], 'option-as:17', 'valid',
                    T + 'test_vendor_specific_information_option.py:4'),
    'relay_msg': ([T + 'test_relay_message_option.py:1', T + 'test_relay_message_option.py:2'],
                  'option-as:9', 'valid', T + 'test_relay_message_option.py:1'),
    'unknown_option': ([T + 'test_option.py:1', T + 'test_option.py:2'], 'option-as:65535',
                       'valid', T + 'test_option.py:1'),
    'unknown_message': (['ff', T + 'test_message.py:1'], 'message', 'valid',
                        T + 'test_message.py:1'),
    'unknown_packet': (['ff', T + 'test_unknown_message.py:2'], 'message', 'valid',
                       T + 'test_unknown_message.py:2'),
    # test_map.py: s46_rule_option_bytes = fromhex(...) + s46_port_parameters_option_bytes
    's46_rule': ([T + 'test_map.py:4', T + 'test_map.py:1'], 'option-as:89', 'valid',
                 T + 'test_map.py:4'),
    's46_v4v6bind': ([T + 'test_map.py:5', T + 'test_map.py:1'], 'option-as:92', 'valid',
                     T + 'test_map.py:5'),
    # invalid: XOption.parse(bytes.fromhex(header) + b'...') in test_bad_option_length
    'client_fqdn_bad1': ([T + 'test_client_fqdn.py:4', T + 'test_client_fqdn.py:5'],
                         'option-as:39', 'invalid', T + 'test_client_fqdn.py:4'),
    'client_fqdn_bad2': ([T + 'test_client_fqdn.py:6', T + 'test_client_fqdn.py:7'],
                         'option-as:39', 'invalid', T + 'test_client_fqdn.py:6'),
    'client_fqdn_bad3': ([T + 'test_client_fqdn.py:8', T + 'test_client_fqdn.py:9'],
                         'option-as:39', 'invalid', T + 'test_client_fqdn.py:8'),
    'domain_list_bad1': ([T + 'test_dns.py:7', T + 'test_dns.py:8'], 'option-as:24', 'invalid',
                         T + 'test_dns.py:7'),
    'domain_list_bad2': ([T + 'test_dns.py:9', T + 'test_dns.py:10'], 'option-as:24', 'invalid',
                         T + 'test_dns.py:9'),
    'aftr_name_bad1': ([T + 'test_dslite.py:3', T + 'test_dslite.py:4'], 'option-as:64',
                       'invalid', T + 'test_dslite.py:3'),
    'aftr_name_bad2': ([T + 'test_dslite.py:5', T + 'test_dslite.py:6'], 'option-as:64',
                       'invalid', T + 'test_dslite.py:5'),
    'ntp_fqdn_bad1': ([T + 'test_ntp.py:21', T + 'test_ntp.py:22'], 'ntp-suboption-as:3',
                      'invalid', T + 'test_ntp.py:21'),
    'ntp_fqdn_bad2': ([T + 'test_ntp.py:23', T + 'test_ntp.py:24'], 'ntp-suboption-as:3',
                      'invalid', T + 'test_ntp.py:23'),
    'sip_domains_bad1': ([T + 'test_sip_servers.py:7', T + 'test_sip_servers.py:8'],
                         'option-as:21', 'invalid', T + 'test_sip_servers.py:7'),
    'sip_domains_bad2': ([T + 'test_sip_servers.py:9', T + 'test_sip_servers.py:10'],
                         'option-as:21', 'invalid', T + 'test_sip_servers.py:9'),
    'posix_tz_bad': ([T + 'test_timezone.py:7', T + 'test_timezone.py:8'], 'option-as:41',
                     'invalid', T + 'test_timezone.py:7'),
    'tzdb_tz_bad': ([T + 'test_timezone.py:9', T + 'test_timezone.py:10'], 'option-as:42',
                    'invalid', T + 'test_timezone.py:9'),
    'user_class_bad1': ([T + 'test_user_class_option.py:8', T + 'test_user_class_option.py:9'],
                        'option-as:15', 'invalid', T + 'test_user_class_option.py:8'),
    'user_class_bad2': ([T + 'test_user_class_option.py:10', T + 'test_user_class_option.py:11'],
                        'option-as:15', 'invalid', T + 'test_user_class_option.py:10'),
    'vendor_class_bad1': ([T + 'test_vendor_class_option.py:8',
                           T + 'test_vendor_class_option.py:9'], 'option-as:16', 'invalid',
                          T + 'test_vendor_class_option.py:8'),
    'vendor_class_bad2': ([T + 'test_vendor_class_option.py:10',
                           T + 'test_vendor_class_option.py:11'], 'option-as:16', 'invalid',
                          T + 'test_vendor_class_option.py:10'),
    'vendor_opts_bad1': ([T + 'test_vendor_specific_information_option.py:8',
                          T + 'test_vendor_specific_information_option.py:9'], 'option-as:17',
                         'invalid', T + 'test_vendor_specific_information_option.py:8'),
    'vendor_opts_bad2': ([T + 'test_vendor_specific_information_option.py:10',
                          T + 'test_vendor_specific_information_option.py:11'], 'option-as:17',
                         'invalid', T + 'test_vendor_specific_information_option.py:10'),
}

# Pieces that are also a whole option of their own (s46_port_parameters_option_bytes).
STANDALONE_TOO = {T + 'test_map.py:1'}

# Expectations the original states in its test source but the extraction did
# not attach to the record (test_duids.py setUp: duid_object for duid_bytes).
SUPPLIED_EXPECT = {
    T + 'test_duids.py:1': "UnknownDUID(duid_type=65535, duid_data=b'SomeRandomDUIDData')",
    T + 'test_duids.py:2': "LinkLayerTimeDUID(hardware_type=1, time=15, "
                           "link_layer_address=bytes.fromhex('3431c43cb2f1'))",
    T + 'test_duids.py:3': "EnterpriseDUID(enterprise_number=40208, "
                           "identifier=b'DHCPKitUnitTestIdentifier')",
    T + 'test_duids.py:4': "LinkLayerDUID(hardware_type=1, "
                           "link_layer_address=bytes.fromhex('3431c43cb2f1'))",
}

# The context a record was parsed in, where the generic rules get it wrong.
CONTEXT_OVERRIDES = {
    # test_lq_client_link_option.py test_bad_option_length calls
    # LQRelayDataOption.parse on option 48 bytes (a copy-paste slip); the
    # original's parse() picks the class from the option code, so the bytes
    # were parsed as LQClientLink (48), as their comments say.
    T + 'test_lq_client_link_option.py:4': 'option-as:48',
    T + 'test_lq_client_link_option.py:5': 'option-as:48',
}

# --------------------------------------------------------------------------
# Records that cannot be mapped to a wire check, each with the reason.
# --------------------------------------------------------------------------
R_PYTYPE = ("the original's validate() rejects raw bytes where it wants an IPv6Address "
            "object: a Python type check; the same 16 octets on the wire are a valid address")
EXCEPTIONS = {
    T + 'test_lq_client_link_option.py:2': R_PYTYPE,
    T + 'test_lq_query_option.py:2': R_PYTYPE,
    T + 'test_lq_relay_data_option.py:2': R_PYTYPE,
    T + 'test_option_length.py:2': (
        'LengthTestingOption is a test-only class with min_length=1; option 65535 of length 0 '
        'is well-formed on the wire'),
    T + 'test_relay_message_option.py:4': (
        'the test registers WeirdLengthMessage (type 254) whose parser claims 4 octets; on the '
        'wire this is a Relay Message option holding a 5-octet message of unknown type 254, '
        'which is well-formed'),
}
# Field values that exist only in Python objects: nothing to decode, and no
# wire fixture of their own test file holds them.
R_VALIDATE = ('a value the test assigns to a field of a Python object to exercise validate() '
              '(a length or type check, e.g. a 5-octet IAID or bytes where a str belongs); '
              'not wire data')
R_BUILT = ('a field of a message, option, DUID or transaction bundle that the test builds '
           'from Python objects and never serialises; not wire data')
PYTHON_VALUES = {
    R_VALIDATE: [
        'test_client_fqdn.py:1', 'test_ntp.py:1', 'test_prefix_delegation.py:2',
        'test_client_server_message.py:2', 'test_authentication_option.py:2',
        'test_authentication_option.py:3', 'test_authentication_option.py:4',
        'test_authentication_option.py:5', 'test_ia_na_option.py:2', 'test_ia_ta_option.py:2',
        'test_status_code_option.py:2', 'test_user_class_option.py:1',
        'test_user_class_option.py:3', 'test_vendor_class_option.py:1',
        'test_vendor_class_option.py:3', 'test_vendor_specific_information_option.py:1',
        'test_vendor_specific_information_option.py:3', 'test_bulk_leasequery.py:2',
        'test_client_id_option.py:2', 'test_server_id_option.py:2',
    ] + ['test_duids.py:%d' % n for n in range(5, 17)],      # LinkLayerDUID(0, b'demo') ...
    R_BUILT: [
        'test_client_server_message.py:3', 'test_client_server_message.py:4',
        'test_client_server_message.py:5', 'test_relay_server_message.py:4',
        'test_relay_server_message.py:5', 'test_relay_server_message.py:6',
        'test_relay_server_message.py:7', 'test_message_handler.py:1',
        'test_message_handler.py:2', 'test_message_handler.py:3',
    ] + ['test_sqlite_store.py:%d' % n for n in range(1, 11)]
      + ['test_echo_request_option_handler.py:%d' % n for n in range(1, 22)]
      + ['test_transaction_bundle.py:%d' % n for n in range(1, 22)],
}
for _reason, _ids in PYTHON_VALUES.items():
    for _id in _ids:
        assert T + _id not in EXCEPTIONS, _id
        EXCEPTIONS[T + _id] = _reason
# Composites that cannot be mapped (same idea, keyed by composite name).
COMPOSITE_EXCEPTIONS = {
    'client_fqdn_bad1': (
        'ClientFQDNOption.parse(0027000c01 + \\x08steffann\\x02nl\\x00): the 12-octet option '
        'holds flags and \\x08steffann\\x02nl, a partial name without the root label, which '
        'RFC 4704 §4.2 allows (the original rejected it); the trailing \\x00 is outside the '
        'option'),
}

# Python error text -> the DK errors that mean the same thing.
ERROR_KINDS = [
    (r'range from 0 to', {'DK_EVALUE'}),
    (r'does not contain|buffer does not contain', {'DK_ETYPE'}),
    (r'0-length label|Invalid encoded domain name', {'DK_EDOMAIN'}),
    (r'available buffer', {'DK_ETRUNC', 'DK_EDOMAIN'}),
    (r'length|different length', {'DK_ELENGTH', 'DK_ETRUNC', 'DK_EDOMAIN'}),
]

VALUE_FIXTURE_DESC = re.compile(r'(packet_fixture|_packet$|option_bytes$|duid_bytes$)')


class Fail(Exception):
    pass


# --------------------------------------------------------------------------
# The notation: parsed with ast, walked, never evaluated.
# --------------------------------------------------------------------------
def parse_notation(text):
    return ast.parse(text, mode='eval').body


def call_name(node):
    f = node.func
    if isinstance(f, ast.Name):
        return f.id
    if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name):
        return f.value.id + '.' + f.attr
    raise Fail('unsupported call %s' % ast.dump(f))


def const_value(node):
    """A constant, a named constant, bytes.fromhex() or simple arithmetic."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name) and node.id in CONSTANTS:
        return CONSTANTS[node.id]
    if isinstance(node, ast.Call) and call_name(node) == 'bytes.fromhex':
        return bytes.fromhex(const_value(node.args[0]))
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.Add)):
        a, b = const_value(node.left), const_value(node.right)
        return a * b if isinstance(node.op, ast.Mult) else a + b
    raise Fail('not a constant: %s' % ast.unparse(node))


def class_fields(node):
    """(class, kind, code, {param: node}) of a constructor call."""
    cls = call_name(node)
    if cls not in CLASSES:
        raise Fail('class %s is not in the CLASSES table' % cls)
    kind, code, params = CLASSES[cls]
    if len(node.args) > len(params):
        raise Fail('%s: %d positional arguments, table has %d' % (cls, len(node.args), len(params)))
    fields = dict(zip(params, node.args))
    for kw in node.keywords:
        if kw.arg in fields:
            raise Fail('%s: %s given twice' % (cls, kw.arg))
        fields[kw.arg] = kw.value
    if code is None:
        code = const_value(fields.pop(CODE_PARAM[cls]))
    return cls, kind, code, fields


def compare(node, ours, path, diffs):
    """Compares expected notation `node` with our JSON value `ours`."""
    if isinstance(node, ast.Name) and node.id in NAMED_OBJECTS:
        node = parse_notation(NAMED_OBJECTS[node.id])
    if isinstance(node, ast.Call) and call_name(node) in CLASSES:
        compare_object(node, ours, path, diffs)
        return
    if isinstance(node, (ast.List, ast.Tuple)) and isinstance(ours, list):
        if len(node.elts) != len(ours):
            diffs.append('%s: %d items expected, we have %d' % (path, len(node.elts), len(ours)))
            return
        for i, (e, o) in enumerate(zip(node.elts, ours)):
            compare(e, o, '%s[%d]' % (path, i), diffs)
        return
    if isinstance(node, ast.Tuple) and isinstance(ours, dict):
        # VendorSpecificInformationOption: (code, data) pairs; ours are options
        # of the vendor space, which we do not know, so {code, data}.
        if len(node.elts) != 2:
            raise Fail('%s: tuple of %d' % (path, len(node.elts)))
        compare(node.elts[0], ours.get('code'), path + '.code', diffs)
        compare(node.elts[1], ours.get('data'), path + '.data', diffs)
        return
    if isinstance(node, ast.Call) and call_name(node) in ('IPv6Address', 'IPv4Address'):
        want = ipaddress.ip_address(const_value(node.args[0]))
        try:
            got = ipaddress.ip_address(ours)
        except (ValueError, TypeError):
            diffs.append('%s: expected address %s, we have %r' % (path, want, ours))
            return
        if got != want:
            diffs.append('%s: expected %s, we have %s' % (path, want, ours))
        elif got.version == 6 and not got.ipv4_mapped and ours != got.compressed:
            diffs.append('%s: %r is not in RFC 5952 form (%s)' % (path, ours, got.compressed))
        return
    if isinstance(node, ast.Call) and call_name(node) in ('IPv6Network', 'IPv4Network'):
        want = ipaddress.ip_network(const_value(node.args[0]))
        try:
            got = ipaddress.ip_interface(ours)
        except (ValueError, TypeError):
            diffs.append('%s: expected prefix %s, we have %r' % (path, want, ours))
            return
        if got.ip != want.network_address or got.network.prefixlen != want.prefixlen:
            diffs.append('%s: expected %s, we have %s' % (path, want, ours))
        return
    want = const_value(node)
    if isinstance(want, bytes):
        if isinstance(ours, str) and ours == want.hex():
            return
        if isinstance(ours, int) and not isinstance(ours, bool) and len(want) <= 4 \
                and ours == int.from_bytes(want, 'big'):
            return  # e.g. iaid=b'ABCD': ours is the 32-bit number
        diffs.append('%s: expected %s (hex %s), we have %r' % (path, want, want.hex(), ours))
        return
    if isinstance(want, bool) or not isinstance(want, (int, str)):
        raise Fail('%s: unsupported constant %r' % (path, want))
    if type(ours) is not type(want) or ours != want:
        diffs.append('%s: expected %r, we have %r' % (path, want, ours))


def compare_object(node, ours, path, diffs):
    cls, kind, code, fields = class_fields(node)
    path = '%s%s' % (path + '.' if path else '', cls)
    if not isinstance(ours, dict):
        diffs.append('%s: expected an object, we have %r' % (path, ours))
        return
    key = IDENTITY_KEY[kind]
    if ours.get(key) != code:
        diffs.append('%s: expected %s %s, we have %r' % (path, key, code, ours.get(key)))
        return
    seen = set()
    for param, vnode in fields.items():
        name = RENAME.get((cls, param), param)
        seen.add(name)
        if name not in ours:
            diffs.append('%s: field %s (ours %s) missing; we have %s'
                         % (path, param, name, sorted(ours)))
            continue
        compare(vnode, ours[name], '%s.%s' % (path, param), diffs)
    # Parameters the notation leaves out take the original's defaults
    # (0, empty lists): ours must not hold anything else there.
    for name, v in ours.items():
        if name in META_KEYS or name in seen:
            continue
        if (isinstance(v, int) and v != 0) or (isinstance(v, list) and v):
            diffs.append('%s: %s=%r but the expected object leaves it at its default'
                         % (path, name, v))


def top_context(notation):
    """The probe kind for a record whose decoded_as is `notation`."""
    node = parse_notation(notation)
    if not isinstance(node, ast.Call):
        raise Fail('decoded_as is not a constructor call')
    cls, kind, code, _ = class_fields(node)
    if kind == 'msg':
        return 'message'
    if kind == 'duid':
        return 'duid'
    if kind == 'ntp':
        return 'ntp-suboption-as:%d' % code
    return 'option-as:%d' % code


def class_context(cls):
    kind, code, _ = CLASSES[cls]
    if kind == 'ntp':
        return 'ntp-suboption-as:%d' % code
    if kind == 'opt' and code is not None:
        return 'option-as:%d' % code
    raise Fail('no parse context for class %s' % cls)


def error_kinds(python_error):
    for pattern, kinds in ERROR_KINDS:
        if re.search(pattern, python_error):
            return kinds
    return None


# --------------------------------------------------------------------------
# Planning: what to do with each record.
# --------------------------------------------------------------------------
def plan(records):
    by_id = {r['id']: r for r in records}
    plans = []       # dicts: id, what (decode|reject|value), kind(s), hex, expect, ...
    covered = {}     # record id -> composite name(s) that use it
    exceptions = {}

    for name, (pieces, kind, validity, expect_from) in COMPOSITES.items():
        hexes = []
        for p in pieces:
            if p.startswith(T):
                if p not in by_id:
                    raise Fail('composite %s: no record %s' % (name, p))
                if by_id[p]['validity'] != validity:
                    raise Fail('composite %s: %s is %s, composite is %s'
                               % (name, p, by_id[p]['validity'], validity))
                hexes.append(by_id[p]['hex'])
                covered.setdefault(p, []).append(name)
            else:
                hexes.append(p)
        src = by_id[expect_from]
        ident = 'composite:' + name
        if name in COMPOSITE_EXCEPTIONS:
            exceptions[ident] = COMPOSITE_EXCEPTIONS[name]
            continue
        plans.append({'id': ident, 'what': 'decode' if validity == 'valid' else 'reject',
                      'kinds': [kind], 'hex': ''.join(hexes), 'record': src,
                      'expect': src.get('expect', {}).get('decoded_as'),
                      'error': src.get('expect', {}).get('error'), 'exact': True})

    for r in records:
        rid, e = r['id'], r.get('expect', {})
        if rid in EXCEPTIONS:
            exceptions[rid] = EXCEPTIONS[rid]
            continue
        if rid in covered and rid not in STANDALONE_TOO:
            continue
        used_in = e.get('used_in', '')
        notation = e.get('decoded_as') or SUPPLIED_EXPECT.get(rid)
        base = {'id': rid, 'hex': r['hex'], 'record': r, 'expect': None, 'exact': True}
        if r['validity'] == 'valid-captured':
            plans.append(dict(base, what='decode', kinds=['message']))
        elif r['validity'] == 'invalid':
            err = e.get('error', '')
            if rid in CONTEXT_OVERRIDES:
                kinds = [CONTEXT_OVERRIDES[rid]]
            elif used_in == 'option.load_from':
                m = re.search(r'does not contain (\w+) data', err)
                if m:
                    kinds = [class_context(m.group(1))]
                else:
                    # test_option.py test_load_from_wrong_buffer runs for every
                    # option class but UnknownOption: try them all.
                    kinds = sorted({class_context(c) for c, (k, code, _) in CLASSES.items()
                                    if k == 'opt' and code is not None
                                    and c != 'LengthTestingOption'})
            elif used_in.endswith('.parse'):
                kinds = [class_context(used_in[:-len('.parse')])]
            else:
                raise Fail('%s: invalid record with no parse context (used_in %r, desc %r); '
                           'add it to COMPOSITES, CONTEXT_OVERRIDES or EXCEPTIONS'
                           % (rid, used_in, r['desc']))
            plans.append(dict(base, what='reject', kinds=kinds, error=err))
        elif notation:
            plans.append(dict(base, what='decode', kinds=[top_context(notation)],
                              expect=notation))
        elif used_in.endswith('.parse'):
            plans.append(dict(base, what='decode', kinds=[class_context(used_in[:-6])]))
        elif VALUE_FIXTURE_DESC.search(r['desc']):
            raise Fail('%s: a fixture (%s) with no decoded_as: add it to SUPPLIED_EXPECT'
                       % (rid, r['desc']))
        else:
            plans.append(dict(base, what='value'))
    return plans, covered, exceptions


# --------------------------------------------------------------------------
# Locating field values in our decodes.
# --------------------------------------------------------------------------
def leaves(v, out):
    if isinstance(v, dict):
        for x in v.values():
            leaves(x, out)
    elif isinstance(v, list):
        for x in v:
            leaves(x, out)
    else:
        out.add(v)
        if isinstance(v, str):
            try:
                out.add(ipaddress.ip_address(v))
            except ValueError:
                pass


def value_forms(b):
    forms = {b.hex()}
    try:
        forms.add(b.decode('utf-8'))
    except UnicodeDecodeError:
        pass
    if len(b) == 16:
        forms.add(ipaddress.IPv6Address(b))
    if 1 <= len(b) <= 4:
        forms.add(int.from_bytes(b, 'big'))
    return forms


def source_of(rec):
    return rec.get('source', {}).get('path', rec['file'])


def selftest():
    """The comparator must be able to fail: known-wrong pairs give diffs."""
    want = ("IANAOption(iaid=b'ABCD', t1=41, t2=42, options=[IAAddressOption("
            "address=IPv6Address('2001:db8::1'), preferred_lifetime=0, valid_lifetime=0)])")
    good = {'code': 3, 'name': 'OPTION_IA_NA', 'iaid': 0x41424344, 't1': 41, 't2': 42,
            'options': [{'code': 5, 'name': 'OPTION_IAADDR', 'address': '2001:db8::1',
                         'preferred_lifetime': 0, 'valid_lifetime': 0, 'options': []}]}
    diffs = []
    compare(parse_notation(want), good, '', diffs)
    if diffs:
        sys.exit('selftest: a matching pair gave diffs: %s' % diffs)
    bad = [
        ('t1', lambda o: o.update(t1=40)),
        ('iaid', lambda o: o.update(iaid=0x41424345)),
        ('code', lambda o: o.update(code=25)),
        ('address', lambda o: o['options'][0].update(address='2001:db8::2')),
        ('RFC 5952 form', lambda o: o['options'][0].update(address='2001:0db8::1')),
        ('omitted field', lambda o: o['options'][0].update(valid_lifetime=7)),
        ('list length', lambda o: o['options'].append(dict(o['options'][0]))),
        ('nested options', lambda o: o['options'][0]['options'].append({'code': 13})),
    ]
    for what, mutate in bad:
        ours = json.loads(json.dumps(good))
        mutate(ours)
        diffs = []
        compare(parse_notation(want), ours, '', diffs)
        if not diffs:
            sys.exit('selftest: a wrong %s was not noticed' % what)
    for want, ours in [("InterfaceIdOption(b'Fa2/3')", {'code': 18, 'interface_id': '4661322f34'}),
                       ("ClientFQDNOption(flags=1, domain_name='steffann.nl.')",
                        {'code': 39, 'flags': 1, 'domain_name': 'steffann.nl'}),
                       ("S46DMROption(dmr_prefix=IPv6Network('2001:db8::/33'))",
                        {'code': 91, 'dmr_prefix': '2001:db8::/32'})]:
        diffs = []
        compare(parse_notation(want), ours, '', diffs)
        if not diffs:
            sys.exit('selftest: %s matched %s' % (want, ours))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    selftest()
    probe = sys.argv[1]
    vdir = vectorlib.vectors_dir(sys.argv[2] if len(sys.argv) > 2 else None)
    records = vectorlib.load_records(vdir)
    try:
        plans, covered, exceptions = plan(records)
    except Fail as exc:
        sys.exit('FAIL (planning): %s' % exc)

    lines, where = [], []
    for i, p in enumerate(plans):
        if p['what'] in ('decode', 'reject'):
            for k in p['kinds']:
                lines.append('%s %s' % (k, p['hex']))
                where.append((i, k))
    answers = defaultdict(list)
    for (i, k), a in zip(where, vectorlib.run_probe(probe, lines)):
        answers[i].append((k, a))

    failures = []
    outcome = {}                           # plan id -> (ok, bucket)
    decoded_by_source = defaultdict(list)  # for locating field values
    probe_lines = Counter()

    for i, p in enumerate(plans):
        rid = p['id']
        if p['what'] == 'decode':
            (kind, a), = answers[i]
            probe_lines[kind.split(':')[0]] += 1
            outcome[rid] = (False, None)
            if not a['ok']:
                failures.append('%s [%s]: valid, but we reject it: %s (%s)'
                                % (rid, kind, a['error'], a['err']))
                continue
            want_len = len(p['hex']) // 2
            if a['consumed'] != want_len:
                failures.append('%s [%s]: the record is %d octets, but the %s in it is %d'
                                % (rid, kind, want_len, kind, a['consumed']))
                continue
            if a['reencode'] != 'same':
                failures.append('%s [%s]: re-encoding differs\n    in:  %s\n    out: %s'
                                % (rid, kind, p['hex'], a['encoded']))
                continue
            decoded_by_source[source_of(p['record'])].append(a['decoded'])
            if not p['expect']:
                outcome[rid] = (True, 'decoded+re-encoded (no decoded_as)')
                continue
            diffs = []
            try:
                compare(parse_notation(p['expect']), a['decoded'], '', diffs)
            except Fail as exc:
                diffs.append('cannot compare: %s' % exc)
            if diffs:
                failures.append('%s [%s]: differs from decoded_as\n    %s\n    ours: %s'
                                % (rid, kind, '\n    '.join(diffs), json.dumps(a['decoded'])))
                continue
            outcome[rid] = (True, 'decoded+re-encoded, field by field = decoded_as')
        elif p['what'] == 'reject':
            kinds = error_kinds(p['error'])
            good = True
            for kind, a in answers[i]:
                probe_lines[kind.split(':')[0]] += 1
                if a['ok']:
                    good = False
                    failures.append('%s [%s]: invalid (%s), but we accept it: %s'
                                    % (rid, kind, p['error'], json.dumps(a['decoded'])))
                elif kinds is not None and a['err'] not in kinds:
                    good = False
                    failures.append("%s [%s]: rejected with %s (%s), but the original's error "
                                    '(%s) means one of %s' % (rid, kind, a['err'], a['error'],
                                                              p['error'], sorted(kinds)))
            bucket = 'rejected, error kind agrees' if kinds is not None else \
                'rejected (no error kind to compare)'
            outcome[rid] = (good, bucket)

    # Field values, after all decodes so that every fixture is available.
    for p in plans:
        if p['what'] != 'value':
            continue
        b = bytes.fromhex(p['hex'])
        own = set()
        for d in decoded_by_source.get(source_of(p['record']), []):
            leaves(d, own)
        if value_forms(b) & own:
            outcome[p['id']] = (True, 'field value located in its own fixture')
        else:
            outcome[p['id']] = (False, None)
            failures.append('%s: field value %s (%r) is not a field of any decoded fixture of '
                            '%s; if it is only a Python-side value, list it in EXCEPTIONS'
                            % (p['id'], p['hex'], b, source_of(p['record'])))

    # Per record: its own outcome, or that of the rebuilt input it is part of.
    table = Counter()
    for r in records:
        rid = r['id']
        if rid in exceptions:
            bucket = 'EXCEPTIONS'
        elif rid in outcome:
            ok, bucket = outcome[rid]
            if not ok:
                bucket = 'FAILED'
        elif rid in covered:
            results = [outcome.get('composite:' + c) for c in covered[rid]]
            if any(x is None for x in results):
                bucket = 'EXCEPTIONS (via a rebuilt input)'
            elif all(ok for ok, _ in results):
                bucket = 'piece of a rebuilt input: ' + results[0][1]
            else:
                bucket = 'FAILED'
        else:
            bucket = 'FAILED'
            failures.append('%s: not accounted for' % rid)
        table[(bucket, r['validity'])] += 1

    validities = ['valid', 'valid-captured', 'invalid']
    print('vectors: %s' % vdir)
    print('%d records, %d probe inputs (%s), %d inputs rebuilt from split records'
          % (len(records), len(lines),
             ', '.join('%s %d' % kv for kv in sorted(probe_lines.items())), len(COMPOSITES)))
    print('%-78s %6s %6s %8s' % ('per record', 'valid', 'capt.', 'invalid'))
    for bucket in sorted({b for b, _ in table}):
        print('  %-76s %6d %6d %8d' % ((bucket,) + tuple(table[(bucket, v)] for v in validities)))
    field_inputs = sum(1 for ok, b in outcome.values() if ok and b and 'field by field' in b)
    field_records = sum(n for (b, _), n in table.items() if 'field by field' in b)
    print('checked field by field against decoded_as: %d inputs (%d records)'
          % (field_inputs, field_records))
    print('EXCEPTIONS: %d' % len(exceptions))
    for k, v in sorted(exceptions.items()):
        print('  %s: %s' % (k, v))
    if failures:
        print('\n%d FAILURES:' % len(failures))
        for f in failures:
            print('FAIL ' + f)
        return 1
    print('vectors: OK')
    return 0


if __name__ == '__main__':
    sys.exit(main())
