/**
 * Which standard contact field a property of a receiver's schema most likely wants, by its name: what the scaffold and
 * completion suggest (`email` → `{{contact.email}}`). One small table, keyed by the contact field, so it can later be
 * read from the merge-field catalogue; every field in it is one of `STANDARD_CONTACT_FIELDS`.
 */

/** Contact field → the property names (normalised: lower case, words joined by `_`) that mean it. */
export const CONTACT_FIELD_NAMES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['email', ['email', 'email_address', 'mail', 'e_mail']],
  ['first_name', ['first_name', 'firstname', 'given_name', 'fname', 'forename']],
  ['last_name', ['last_name', 'lastname', 'family_name', 'surname', 'lname']],
  ['name', ['name', 'full_name', 'fullname', 'contact_name', 'display_name']],
  ['phone', ['phone', 'phone_number', 'mobile', 'mobile_phone', 'telephone', 'tel']],
  ['company_name', ['company', 'company_name', 'organization', 'organisation', 'business_name']],
  ['address1', ['address', 'address1', 'address_line1', 'address_line_1', 'street', 'street_address', 'line1']],
  ['city', ['city', 'town', 'city_locality', 'locality']],
  ['state', ['state', 'region', 'province', 'state_province']],
  ['postal_code', ['postal_code', 'postalcode', 'zip', 'zip_code', 'zipcode', 'postcode']],
  ['country', ['country', 'country_code']],
  ['date_of_birth', ['date_of_birth', 'dob', 'birthday', 'birth_date', 'birthdate']],
  ['timezone', ['timezone', 'time_zone']],
  ['website', ['website', 'homepage', 'web_site']],
  ['source', ['source', 'lead_source']],
  ['tags', ['tags']],
  ['id', ['contact_id', 'external_id']],
];

const BY_NAME = new Map(CONTACT_FIELD_NAMES.flatMap(([field, names]) => names.map((n) => [n, field] as const)));

/** `firstName`, `First-Name` and `first name` all become `first_name`. */
export function normaliseFieldName(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
}

/** The template of the contact field a property name means, if any (`firstName` → `{{contact.first_name}}`). */
export function contactTemplateFor(propertyName: string): string | undefined {
  const field = BY_NAME.get(normaliseFieldName(propertyName));
  return field === undefined ? undefined : `{{contact.${field}}}`;
}
