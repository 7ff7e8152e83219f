/* Sealing for the Contact form (site_gen/site/assets/contact.js loads the built file).

   A message is encrypted in the reader's browser with age (https://age-encryption.org/v1)
   through the age-encryption library, to the member's public key and, when the member chose
   it, the editors' keys.  age1... keys are handled by the library.  Members may also have
   given an SSH public key, which age accepts too: the library leaves those recipient types
   to its users, so they are written here from the age specification's ssh-ed25519 and
   ssh-rsa recipient stanzas, using the same primitives the library is built on.

   Bundled by `npm run build` (see package.json) into assets/built/seal.js, a classic script
   that defines the global `caseLibrarySeal` = { seal, recipientProblem }.  No eval, no
   WebAssembly: it runs under the site's Content-Security-Policy (script-src 'self'). */
import { Encrypter, Stanza, armor } from "age-encryption";
import { ed25519, x25519 } from "@noble/curves/ed25519.js";
import { chacha20poly1305 } from "@noble/ciphers/chacha.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { randomBytes } from "@noble/hashes/utils.js";
import { base64, base64nopad, base64urlnopad } from "@scure/base";

const utf8 = new TextEncoder();
const ED25519_LABEL = utf8.encode("age-encryption.org/v1/ssh-ed25519");
const RSA_LABEL = utf8.encode("age-encryption.org/v1/ssh-rsa");

/* Reads the length-prefixed fields of an SSH public key blob (RFC 4253, section 6.6). */
function sshFields(wire) {
  const fields = [];
  let at = 0;
  while (at < wire.length) {
    if (at + 4 > wire.length) throw new Error("the SSH key is cut short");
    const size = ((wire[at] << 24) | (wire[at + 1] << 16) | (wire[at + 2] << 8) | wire[at + 3]) >>> 0;
    at += 4;
    if (at + size > wire.length) throw new Error("the SSH key is cut short");
    fields.push(wire.subarray(at, at + size));
    at += size;
  }
  return fields;
}

/* The stanza tag both SSH types use: the first four bytes of SHA-256 of the key blob. */
function sshTag(wire) {
  return base64nopad.encode(sha256(wire).subarray(0, 4));
}

class SshEd25519Recipient {
  constructor(wire, fields) {
    if (fields.length !== 2 || fields[1].length !== 32) throw new Error("the ssh-ed25519 key is damaged");
    this.wire = wire;
    this.montgomery = ed25519.utils.toMontgomery(fields[1]);
  }

  wrapFileKey(fileKey) {
    const ephemeral = randomBytes(32);
    const share = x25519.scalarMultBase(ephemeral);
    // The key is tweaked so that a stanza for an SSH key cannot be mistaken for an X25519 one.
    const tweak = hkdf(sha256, new Uint8Array(0), this.wire, ED25519_LABEL, 32);
    const shared = x25519.scalarMult(tweak, x25519.scalarMult(ephemeral, this.montgomery));
    const salt = new Uint8Array([...share, ...this.montgomery]);
    const wrapKey = hkdf(sha256, shared, salt, ED25519_LABEL, 32);
    const body = chacha20poly1305(wrapKey, new Uint8Array(12)).encrypt(fileKey);
    return [new Stanza(["ssh-ed25519", sshTag(this.wire), base64nopad.encode(share)], body)];
  }
}

function unsigned(mpint) {
  let start = 0;
  while (start < mpint.length - 1 && mpint[start] === 0) start += 1;
  return mpint.subarray(start);
}

class SshRsaRecipient {
  constructor(wire, fields) {
    if (fields.length !== 3) throw new Error("the ssh-rsa key is damaged");
    this.wire = wire;
    this.jwk = { kty: "RSA", e: base64urlnopad.encode(unsigned(fields[1])),
                 n: base64urlnopad.encode(unsigned(fields[2])), alg: "RSA-OAEP-256", ext: true };
  }

  async wrapFileKey(fileKey) {
    const key = await crypto.subtle.importKey("jwk", this.jwk, { name: "RSA-OAEP", hash: "SHA-256" }, false, ["encrypt"]);
    const body = await crypto.subtle.encrypt({ name: "RSA-OAEP", label: RSA_LABEL }, key, fileKey);
    return [new Stanza(["ssh-rsa", sshTag(this.wire)], new Uint8Array(body))];
  }
}

/* A recipient the library's Encrypter accepts: the age1... string itself, or an SSH recipient. */
function recipient(text) {
  const parts = String(text).trim().split(/\s+/);
  if (parts[0].startsWith("age1") && parts.length === 1) return parts[0];
  if (parts[0] === "ssh-ed25519" || parts[0] === "ssh-rsa") {
    let wire;
    try {
      wire = base64.decode(parts[1] || "");
    } catch (error) {
      throw new Error("the SSH key is not valid base64");
    }
    const fields = sshFields(wire);
    if (!fields.length || new TextDecoder().decode(fields[0]) !== parts[0]) throw new Error("the SSH key is damaged");
    return parts[0] === "ssh-ed25519" ? new SshEd25519Recipient(wire, fields) : new SshRsaRecipient(wire, fields);
  }
  throw new Error("this is not an age or SSH public key");
}

/* Why a key cannot be used (a sentence), or "" when it can. */
export function recipientProblem(text) {
  try {
    recipient(text);
    return "";
  } catch (error) {
    return error.message;
  }
}

/* The message encrypted to every key, as ASCII-armored age text. */
export async function seal(keys, text) {
  if (!keys.length) throw new Error("there is no key to seal the message to");
  const encrypter = new Encrypter();
  for (const key of keys) encrypter.addRecipient(recipient(key));
  return armor.encode(await encrypter.encrypt(utf8.encode(text)));
}
