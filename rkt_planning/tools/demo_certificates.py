"""Throwaway certificates for the demo data and the tests: a root CA and an
official's PKCS#12, made with ``cryptography`` (no network, no real key).

Never used to sign a real RKT: a certificate made here is trusted by nobody but
the database that uploads its CA as a trusted root.
"""

import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID


def _name(common_name, organization):
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def make_ca(common_name="RKT Demo Root CA", not_before=None, not_after=None):
    """A self-signed root: ``(key, certificate)``."""
    not_before = not_before or datetime.datetime(2020, 1, 1)
    not_after = not_after or datetime.datetime(2045, 1, 1)
    key = _key()
    name = _name(common_name, "RKT Planning Demo")
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    return key, cert


def make_official(ca, common_name, not_before, not_after, organization="Pemerintah Daerah"):
    """An official's certificate issued by ``ca`` (``(key, cert)``)."""
    ca_key, ca_cert = ca
    key = _key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organization))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    return key, cert


def make_p12(ca, official, passphrase, friendly_name=b"rkt-tte"):
    """The official's PKCS#12: key, certificate and the CA, under ``passphrase``."""
    key, cert = official
    return pkcs12.serialize_key_and_certificates(
        friendly_name,
        key,
        cert,
        [ca[1]],
        serialization.BestAvailableEncryption(passphrase.encode()),
    )


def cert_pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM)
