// Headers as a two-column table: a response's, or those of the request as sent.
import type { KeyValue } from '../bindings/KeyValue';

export function HeadersTable({ headers }: { headers: KeyValue[] }) {
  return (
    <table className="headers-table">
      <tbody>
        {headers.map((header, index) => (
          <tr key={`${header.key}-${index}`}>
            <th scope="row">{header.key}</th>
            <td>{header.value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
