// The organisation's custom field keys, which every body editor's Token menu offers and the
// template editor's validation accepts: read when first asked, again when the template editor
// opens (refresh), and shared by every form that edits stage bodies.
import { listCustomFieldKeys } from '$lib/api/candidates';

class CustomFieldKeys {
  #keys = $state.raw<readonly string[]>([]);
  #asked = false;

  /** The keys known so far (empty until the first read answers; it starts on first use). */
  get keys(): readonly string[] {
    if (!this.#asked) this.refresh();
    return this.#keys;
  }

  /** Reads the keys again (a field may have been added since). */
  refresh(): void {
    this.#asked = true;
    void listCustomFieldKeys().then((r) => {
      if (r.ok) this.#keys = r.data;
      else this.#asked = false; // asked again by the next editor
    });
  }
}

export const customFields = new CustomFieldKeys();
